import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { CloudEvent } from '../../src/bus/cloud-event.js';
import {
  activity,
  defineActivity,
  executeType,
  hostActivities,
  RoutingSlipBuilder,
  startSlip,
} from '../../src/index.js';
import { waitFor } from '../conformance/bus.case.js';
import { onEachStore } from './helpers.js';

const noop = defineActivity('media.encode', { execute: () => {} });

describe('routing slips refuse bad definitions before anything is published', () => {
  it('refuses activity names that cannot be event types, and handlers that are not functions', () => {
    assert.throws(() => defineActivity('media encode', { execute: () => {} }), {
      code: 'CONFIG_INVALID',
      message: /an activity name must be letters, digits.*got "media encode"/,
    });
    assert.throws(() => defineActivity('x', {} as never), { code: 'CONFIG_INVALID', message: /`execute` must be/ });
    assert.throws(() => defineActivity('x', { execute: () => {} }, { compensateAttempts: 0 }), {
      code: 'CONFIG_INVALID',
    });
    assert.throws(() => activity('../deploy'), { code: 'CONFIG_INVALID' });
  });

  it('refuses an activity the catalog does not know, suggesting the likely one', () => {
    const builder = new RoutingSlipBuilder({ catalog: [noop, 'media.deploy'] });
    assert.throws(() => builder.addActivity('media.encdoe'), {
      name: 'UnknownActivityError',
      code: 'SLIP_ACTIVITY_UNKNOWN',
      message:
        /no activity named 'media.encdoe' in the catalog; did you mean 'media.encode'\? known: 'media.deploy', 'media.encode'/,
    });
    assert.doesNotThrow(() => builder.addActivity('media.deploy'));
  });

  it('refuses arguments and variables JSON cannot carry, naming the path', () => {
    const builder = new RoutingSlipBuilder();
    assert.throws(() => builder.addActivity('media.encode', { file: { opened: new Map() } }), {
      code: 'NOT_SERIALIZABLE',
      message:
        /addActivity\('media.encode'\): the arguments of 'media.encode' is not JSON-serializable: found a Map at 'file.opened'/,
    });
    assert.throws(() => builder.addActivity('media.encode', ['s3://x'] as never), {
      code: 'CONFIG_INVALID',
      message: /must be an object of JSON values.*got an array/,
    });
    assert.throws(() => builder.addVariable('size', 10n), { code: 'NOT_SERIALIZABLE', message: /BigInt/ });
    assert.throws(() => builder.setVariables({ f: () => 1 }), { code: 'NOT_SERIALIZABLE', message: /at 'f'/ });
  });

  it('refuses hosting nothing, or one activity twice', async () => {
    const bus = {} as never;
    await assert.rejects(hostActivities(bus, []), { code: 'CONFIG_INVALID' });
    await assert.rejects(hostActivities(bus, [noop, noop]), { code: 'DUPLICATE_NAME' });
  });
});

onEachStore('routing slips faced with bad input', (t) => {
  let ran: string[];
  beforeEach(() => {
    ran = [];
  });

  const encode = defineActivity('media.encode', { execute: () => void ran.push('encode') });
  const handMade = (id: string, data: unknown): CloudEvent => ({
    specversion: '1.0',
    id,
    source: '/by-hand',
    type: executeType('media.encode'),
    subject: id,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  });
  const deadLetter = async () => {
    await waitFor(async () => (await t.bed.bus.deadLetters()).length === 1);
    const [dead] = await t.bed.bus.deadLetters();
    return { ...dead, error: JSON.parse(dead?.error ?? '{}') };
  };

  it('dead-letters a slip event whose data is not a routing slip, naming the field', async () => {
    await hostActivities(t.bed.bus, [encode]);
    await t.bed.bus.publish([handMade('junk', { file: 's3://x' })]);
    const dead = await deadLetter();
    assert.equal(dead.error.code, 'SLIP_INVALID');
    assert.match(
      dead.error.message,
      /slip event 'junk' cannot be carried out: its data is not a routing slip: .*'trackingId' is missing/,
    );
    assert.equal(dead.attempts, 1, 'not retried: it cannot get better');
    assert.deepEqual(ran, []);
  });

  it('dead-letters a slip that reached an activity its itinerary does not name next', async () => {
    await hostActivities(t.bed.bus, [encode]);
    const slip = new RoutingSlipBuilder({ trackingId: 'lost' }).addActivity('media.deploy').build();
    await t.bed.bus.publish([handMade('lost/0/execute', slip)]);
    const dead = await deadLetter();
    assert.equal(dead.error.code, 'SLIP_INVALID');
    assert.match(
      dead.error.message,
      /addressed to activity 'media.encode', but the slip's itinerary names 'media.deploy' next/,
    );
    assert.deepEqual(ran, []);
  });

  it('faults a slip whose revision names an activity outside the host’s catalog, compensating what ran', async () => {
    const undone: string[] = [];
    const reserve = defineActivity('reserve', {
      execute: (_a, ctx) => ctx.completed({ compensation: { slot: 7 } }),
      compensate: (data) => void undone.push(`release ${data.slot}`),
    });
    const triage = defineActivity('triage', {
      execute: (_a, ctx) => ctx.revise((rest) => [activity('media.watremark'), ...rest]),
    });
    await hostActivities(t.bed.bus, [reserve, triage, encode], {
      catalog: ['reserve', 'triage', 'media.encode', 'media.watermark'],
    });
    await startSlip(
      t.bed.bus,
      new RoutingSlipBuilder({ trackingId: 'typo' }).addActivity('reserve').addActivity('triage'),
    );
    const outcome = await t.watcher.outcome('typo');
    assert.equal(outcome.status, 'faulted');
    if (outcome.status !== 'faulted') return;
    assert.equal(outcome.errors[0]?.name, 'triage');
    assert.equal(outcome.errors[0]?.error.code, 'SLIP_ACTIVITY_UNKNOWN');
    assert.match(outcome.errors[0]?.error.message ?? '', /did you mean 'media.watermark'/);
    assert.deepEqual(undone, ['release 7']);
  });

  it('faults at once, without retries, an activity that returns what a slip cannot carry', async () => {
    const attempts: number[] = [];
    const odd = defineActivity(
      'odd',
      {
        execute: (_a, ctx) => {
          attempts.push(ctx.attempt);
          return ctx.trackingId === 'number'
            ? (42 as never)
            : ctx.completed({ variables: { at: Symbol('now') as never } });
        },
      },
      { retry: { maxAttempts: 3, initialInterval: 1 } },
    );
    await hostActivities(t.bed.bus, [odd]);
    await startSlip(t.bed.bus, new RoutingSlipBuilder({ trackingId: 'number' }).addActivity('odd'));
    await startSlip(t.bed.bus, new RoutingSlipBuilder({ trackingId: 'symbol' }).addActivity('odd'));
    const [number, symbol] = await Promise.all([t.watcher.outcome('number'), t.watcher.outcome('symbol')]);
    assert.equal(number.status === 'faulted' && number.errors[0]?.error.code, 'CONFIG_INVALID');
    assert.match(number.status === 'faulted' ? (number.errors[0]?.error.message ?? '') : '', /execute returned 42/);
    assert.equal(symbol.status === 'faulted' && symbol.errors[0]?.error.code, 'NOT_SERIALIZABLE');
    assert.deepEqual(attempts, [1, 1]);
  });

  it('refuses to start what is not a slip', async () => {
    await assert.rejects(startSlip(t.bed.bus, { trackingId: 'x' } as never), {
      code: 'CONFIG_INVALID',
      message: /give a RoutingSlipBuilder/,
    });
  });
});
