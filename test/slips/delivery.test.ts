import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import { toCloudEvent } from '../../src/bus/cloud-event.js';
import { defineActivity, executeType, hostActivities, RoutingSlipBuilder, startSlip } from '../../src/index.js';
import { waitFor } from '../conformance/bus.case.js';
import { fastRetry, onEachStore, slipEvents } from './helpers.js';

onEachStore('routing slip delivery', (t) => {
  let runs: string[];
  beforeEach(() => {
    runs = [];
  });

  const counting = (name: string) =>
    defineActivity(name, {
      execute: (_args, ctx) => void runs.push(`${name} ${ctx.trackingId} attempt ${ctx.attempt}`),
    });

  it('runs an activity once when its execute event is published twice, or the slip is started twice', async () => {
    await hostActivities(t.bed.bus, [counting('encode'), counting('deploy')]);
    const builder = new RoutingSlipBuilder({ trackingId: 'dup' }).addActivity('encode').addActivity('deploy');
    await startSlip(t.bed.bus, builder);
    await startSlip(t.bed.bus, builder); // same tracking id: the same first event id
    await t.watcher.outcome('dup');

    // Publish the very events the slip travelled as again, as a retrying producer would.
    const logged = await t.bed.store.readEvents({ limit: 1000 });
    const executes = logged.filter((e) => e.type.startsWith('tutti.slip.execute.')).map((e) => toCloudEvent(e));
    assert.equal(executes.length, 2);
    const again = await t.bed.other.publish(executes);
    assert.ok(again.every((r) => !r.created));
    await t.watcher.idle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(runs, ['encode dup attempt 1', 'deploy dup attempt 1']);
    assert.equal((await slipEvents(t.bed.store, 'dup')).filter((e) => e.type === 'tutti.slip.completed').length, 1);
  });

  it('retries a failing execute with the activity’s backoff, and carries on when it succeeds', async () => {
    let failures = 2;
    const flaky = defineActivity(
      'upload',
      {
        execute(_args, ctx) {
          runs.push(`upload attempt ${ctx.attempt}`);
          if (failures-- > 0) throw new Error('503 from the CDN');
          return ctx.completed({ variables: { url: 'https://cdn/x' } });
        },
      },
      { retry: { ...fastRetry, maxAttempts: 3 } },
    );
    await hostActivities(t.bed.bus, [flaky]);
    await startSlip(t.bed.bus, new RoutingSlipBuilder({ trackingId: 'r' }).addActivity('upload'));
    const outcome = await t.watcher.outcome('r');
    assert.equal(outcome.status, 'completed');
    assert.equal(outcome.variables.url, 'https://cdn/x');
    assert.deepEqual(runs, ['upload attempt 1', 'upload attempt 2', 'upload attempt 3']);
    assert.deepEqual(
      t.watcher.events('r').map((e) => e.kind),
      ['activity-completed', 'completed'],
    );
  });

  it('faults the slip when an execute outlives its timeout on the last attempt', async () => {
    const stuck = defineActivity(
      'stuck',
      {
        execute: (_args, ctx) =>
          new Promise<void>((resolve) => {
            runs.push(`stuck attempt ${ctx.attempt}`);
            ctx.signal.addEventListener('abort', () => resolve());
          }),
      },
      { timeout: 30, retry: { ...fastRetry, maxAttempts: 2 } },
    );
    await hostActivities(t.bed.bus, [stuck]);
    await startSlip(t.bed.bus, new RoutingSlipBuilder({ trackingId: 'slow' }).addActivity('stuck'));
    const outcome = await t.watcher.outcome('slow');
    assert.equal(outcome.status, 'faulted');
    if (outcome.status === 'faulted') assert.equal(outcome.errors[0]?.error.code, 'SLIP_ACTIVITY_TIMEOUT');
    assert.deepEqual(runs, ['stuck attempt 1', 'stuck attempt 2']);
  });

  it('keeps a slip sent to an activity nobody hosts yet in the log, and runs it once a host starts', async () => {
    await startSlip(t.bed.bus, new RoutingSlipBuilder({ trackingId: 'early' }).addActivity('late'));
    await assert.rejects(t.watcher.outcome('early', { timeout: 50 }), {
      code: 'SLIP_TIMEOUT',
      message: /slip 'early' has no outcome after 50 ms; no event of it was seen/,
    });
    const waiting = await t.bed.store.readEvents({ types: [executeType('late')], limit: 10 });
    assert.equal(waiting.length, 1);

    await hostActivities(t.bed.other, [counting('late')]);
    assert.equal((await t.watcher.outcome('early')).status, 'completed');
    assert.deepEqual(runs, ['late early attempt 1']);
  });

  it('says where a slip stopped when its next activity has no host', async () => {
    await hostActivities(t.bed.bus, [counting('encode')]);
    await startSlip(
      t.bed.bus,
      new RoutingSlipBuilder({ trackingId: 'stopped' }).addActivity('encode').addActivity('cdn'),
    );
    await waitFor(() => t.watcher.events('stopped').length > 0);
    await assert.rejects(t.watcher.outcome('stopped', { timeout: 50 }), {
      code: 'SLIP_TIMEOUT',
      message: /last seen: activity-completed 'encode' at .*, sent on to 'cdn'/,
    });
  });
});
