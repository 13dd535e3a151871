/**
 * What is journaled must be JSON: values JSON cannot carry are refused with the path at fault,
 * and values JSON reshapes (a Date) are seen reshaped both live and on replay.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createTutti,
  defineService,
  defineWorkflow,
  RunFailedError,
  SerializationError,
  StepFailedError,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { deferred, PersistentStore, rejection } from './helpers.js';

const fast = { initialInterval: 5, jitter: 0 } as const;

describe('values that JSON cannot carry', () => {
  const cyclic = (): unknown => {
    const order: Record<string, any> = { line: { sku: 'a' } };
    order.line.order = order;
    return order;
  };
  const cases: [string, () => unknown, string, RegExp][] = [
    ['a function', () => ({ meta: { callback: function notify() {} } }), 'meta.callback', /a function \(notify\)/],
    ['a symbol', () => ({ tag: Symbol('x') }), 'tag', /a symbol/],
    ['a BigInt', () => ({ amount: { cents: 10n } }), 'amount.cents', /a BigInt \(10n\)/],
    ['a cycle', cyclic, 'line.order', /a circular reference/],
    ['a Map', () => ({ items: [1, new Map([['a', 1]])] }), 'items.1', /a Map/],
  ];

  for (const [label, make, path, found] of cases) {
    test(`${label} in a step input fails the run with a SerializationError naming the step and '${path}'`, async () => {
      let calls = 0;
      const svc = defineService('ser', {
        take: (_input: unknown) => {
          calls++;
        },
        fine: (n: number) => n + 1,
      });
      const bad = defineWorkflow('badInput', (ctx) => ctx.step(svc.take, make()));
      const good = defineWorkflow('goodInput', (ctx, n: number) => ctx.step(svc.fine, n));
      const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [bad, good] });
      try {
        const run = await tutti.start(bad, null);
        const error = await rejection(run.result());
        assert.ok(error instanceof RunFailedError);
        assert.ok(error.cause instanceof SerializationError);
        assert.match(error.cause.message, /the input of step 'ser\.take'/);
        assert.ok(error.cause.message.includes(`at '${path}'`), error.cause.message);
        assert.match(error.cause.message, found);
        assert.equal(calls, 0, 'the step never ran');
        const info = await run.info();
        assert.equal(info.status, 'failed');
        assert.equal(info.error?.error.kind === 'error' && info.error.error.name, 'SerializationError');
        assert.deepEqual((await tutti.store.readRunState(run.id))?.journal, []);
        // The store is still usable for other runs.
        assert.equal(await (await tutti.start(good, 1)).result(), 2);
      } finally {
        await tutti.close();
      }
    });

    test(`${label} in a step result fails the step once (no retry) with a SerializationError at '${path}'`, async () => {
      let calls = 0;
      const svc = defineService('ser', {
        give: () => {
          calls++;
          return make();
        },
      });
      const wf = defineWorkflow('badResult', (ctx) =>
        ctx.step(svc.give, undefined, { retry: { ...fast, maxAttempts: 3 } }),
      );
      const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
      try {
        const run = await tutti.start(wf, null);
        const error = await rejection(run.result());
        assert.ok(error.cause instanceof StepFailedError);
        assert.equal(error.cause.attempts, 1);
        assert.equal(calls, 1);
        const cause = error.cause.cause as Error;
        assert.ok(cause instanceof SerializationError);
        assert.match(cause.message, /the result of step 'ser\.give'/);
        assert.ok(cause.message.includes(`at '${path}'`), cause.message);
        const info = await run.info();
        assert.equal(info.status, 'failed');
        const entry = (await tutti.store.readRunState(run.id))?.journal[0];
        assert.equal(entry?.ok, false);
        assert.equal(JSON.parse(entry?.output ?? 'null').name, 'SerializationError');
      } finally {
        await tutti.close();
      }
    });
  }
});

describe('values that JSON reshapes', () => {
  test('a Date result is an ISO string both live and when replayed after a restart', async () => {
    const store = new PersistentStore();
    const gate = deferred<string>();
    const seen: unknown[] = [];
    let hold = true;
    const svc = defineService('clock', {
      stamp: () => ({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) }),
      wait: () => (hold ? gate.promise : 'released'),
    });
    const wf = defineWorkflow('stamped', async (ctx) => {
      const stamp = await ctx.step(svc.stamp, undefined);
      seen.push(stamp);
      await ctx.step(svc.wait, undefined);
      return stamp;
    });
    const first = await createTutti({ store, services: [svc], workflows: [wf] });
    const run = await first.start(wf, null, { id: 'dated' });
    while (seen.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await first.close(); // halts the run while `wait` is in flight
    hold = false;
    const second = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      assert.deepEqual(second.resumed, ['dated']);
      const output = await (await second.handle('dated')).result();
      assert.deepEqual(seen, [{ at: '2024-01-02T03:04:05.000Z' }, { at: '2024-01-02T03:04:05.000Z' }]);
      assert.deepEqual(output, { at: '2024-01-02T03:04:05.000Z' });
      assert.equal((await run.info()).status, 'completed');
    } finally {
      gate.resolve('unused');
      await second.close();
      await store.destroy();
    }
  });
});
