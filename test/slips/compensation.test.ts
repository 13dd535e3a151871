import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import {
  compensateType,
  defineActivity,
  hostActivities,
  NonRetryableError,
  RoutingSlipBuilder,
  startSlip,
} from '../../src/index.js';
import { waitFor } from '../conformance/bus.case.js';
import { fastRetry, onEachStore, slipEvents } from './helpers.js';

onEachStore('routing slip compensation', (t) => {
  let log: string[];
  beforeEach(() => {
    log = [];
  });

  /** An activity that stores a file and deletes it when compensated. */
  const storing = (name: string, compensate?: (data: { file: string }) => void) =>
    defineActivity(
      name,
      {
        execute(_args, ctx) {
          log.push(`execute ${name}`);
          return ctx.completed({ compensation: { file: `${name}-${ctx.trackingId}.bin` } });
        },
        compensate(data: { file: string }, ctx) {
          log.push(`compensate ${name} ${data.file} ${ctx.executionId}`);
          compensate?.(data);
        },
      },
      { retry: fastRetry, compensateAttempts: 3 },
    );
  const failing = (name: string, error: () => Error, attempts = 1) =>
    defineActivity(
      name,
      {
        execute() {
          log.push(`execute ${name}`);
          throw error();
        },
      },
      { retry: { ...fastRetry, maxAttempts: attempts } },
    );
  const slip = (id: string, ...names: string[]) => {
    const builder = new RoutingSlipBuilder({ trackingId: id });
    for (const name of names) builder.addActivity(name);
    return builder;
  };

  it('compensates the 2nd and the 1st activity, newest first, when the 3rd faults', async () => {
    await hostActivities(t.bed.bus, [
      storing('encode'),
      failing('deploy', () => new Error('CDN refused the upload'), 2),
    ]);
    await hostActivities(t.bed.other, [storing('transcode')]);
    await startSlip(t.bed.bus, slip('s1', 'encode', 'transcode', 'deploy'));

    const outcome = await t.watcher.outcome('s1');
    assert.equal(outcome.status, 'faulted');
    const executions = (await slipEvents(t.bed.store, 's1')).filter((e) => e.type.startsWith('tutti.slip.execute.'));
    assert.deepEqual(log, [
      'execute encode',
      'execute transcode',
      'execute deploy',
      'execute deploy', // retried once (retryable error, 2 attempts), then faulted
      `compensate transcode transcode-s1.bin ${executions[1]?.id}`,
      `compensate encode encode-s1.bin ${executions[0]?.id}`,
    ]);
    if (outcome.status !== 'faulted') return;
    assert.equal(outcome.errors.length, 1);
    assert.equal(outcome.errors[0]?.name, 'deploy');
    assert.equal(outcome.errors[0]?.error.message, 'CDN refused the upload');
    assert.deepEqual(
      outcome.activityLog.map((e) => e.name),
      ['encode', 'transcode'],
    );

    const kinds = t.watcher.events('s1').map((e) => `${e.kind} ${e.data.activity ?? ''}`.trim());
    assert.deepEqual(kinds, [
      'activity-completed encode',
      'activity-completed transcode',
      'activity-faulted deploy',
      'activity-compensated transcode',
      'activity-compensated encode',
      'faulted',
    ]);
    const types = (await slipEvents(t.bed.store, 's1')).map((e) => e.type);
    assert.ok(types.indexOf(compensateType('transcode')) < types.indexOf(compensateType('encode')));
  });

  it('skips activities without a compensation, and faults at once on a NonRetryableError', async () => {
    const notify = defineActivity('notify', { execute: () => void log.push('execute notify') });
    await hostActivities(t.bed.bus, [
      storing('encode'),
      notify,
      failing('deploy', () => new NonRetryableError('bad format'), 3),
    ]);
    await startSlip(t.bed.bus, slip('s2', 'encode', 'notify', 'deploy'));
    const outcome = await t.watcher.outcome('s2');
    assert.equal(outcome.status, 'faulted');
    assert.deepEqual(log.slice(0, 3), ['execute encode', 'execute notify', 'execute deploy']);
    assert.equal(log.length, 4);
    assert.match(log[3] as string, /^compensate encode encode-s2.bin /);
    if (outcome.status === 'faulted') assert.equal(outcome.errors[0]?.error.code, 'NON_RETRYABLE');
  });

  it('faults a slip whose first activity fails with nothing to compensate', async () => {
    await hostActivities(t.bed.bus, [failing('encode', () => new TypeError('no such file'))]);
    await startSlip(t.bed.bus, slip('s3', 'encode', 'deploy'));
    const outcome = await t.watcher.outcome('s3');
    assert.equal(outcome.status, 'faulted');
    if (outcome.status === 'faulted') assert.equal(outcome.errors[0]?.error.name, 'TypeError');
  });

  it('publishes compensation-failed and dead-letters a compensation that keeps failing; a redrive carries on', async () => {
    let broken = true;
    const flaky = storing('encode', () => {
      if (broken) throw new Error('storage is down');
    });
    await hostActivities(t.bed.bus, [flaky, storing('transcode'), failing('deploy', () => new Error('nope'))]);
    await startSlip(t.bed.bus, slip('s4', 'encode', 'transcode', 'deploy'));

    const outcome = await t.watcher.outcome('s4');
    assert.equal(outcome.status, 'compensation-failed');
    if (outcome.status !== 'compensation-failed') return;
    assert.equal(outcome.activity, 'encode');
    assert.equal(outcome.error.message, 'storage is down');
    assert.deepEqual(
      outcome.compensateLog.map((e) => e.name),
      ['encode'],
    );
    assert.equal(log.filter((line) => line.startsWith('compensate encode')).length, 3, 'compensateAttempts: 3');

    await waitFor(async () => (await t.bed.bus.deadLetters()).length === 1);
    const [dead] = await t.bed.bus.deadLetters();
    assert.equal(dead?.event.type, compensateType('encode'));
    assert.equal(dead?.subscription, 'slip:encode');
    assert.equal(JSON.parse(dead?.error ?? '{}').code, 'SLIP_COMPENSATION_FAILED');

    // Fixed: the operator redrives the dead letter; the slip finishes compensating and faults.
    broken = false;
    assert.equal(await t.bed.bus.redrive({ subscription: 'slip:encode' }), 1);
    await waitFor(() => t.watcher.events('s4').some((e) => e.kind === 'faulted'));
    assert.deepEqual(
      t.watcher.events('s4').map((e) => e.kind),
      [
        'activity-completed',
        'activity-completed',
        'activity-faulted',
        'activity-compensated',
        'compensation-failed',
        'activity-compensated',
        'faulted',
      ],
    );
  });
});
