/** An operator's pause, resume, retry and restart of runs (run-control.ts), on the engine. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTutti, defineService, defineWorkflow, NonRetryableError, RunStateError } from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { deferred, PersistentStore, rejection, waitForStatus } from './helpers.js';

/** An order: reserve n, then charge n × 2, each call noted in `calls`; the charge fails while `broken()`. */
function shopOrder(calls: string[], broken: () => boolean) {
  const shop = defineService('shop', {
    reserve: async (n: number) => {
      calls.push('reserve');
      return n;
    },
    charge: async (n: number) => {
      calls.push('charge');
      if (broken()) throw new NonRetryableError('card gateway down');
      return n * 2;
    },
  });
  const order = defineWorkflow('order', async (ctx, n: number) =>
    ctx.step(shop.charge, await ctx.step(shop.reserve, n)),
  );
  return { shop, order };
}

/** A one-step workflow whose step waits for `gate`, counting the times it started. */
function gatedFlow() {
  const gate = deferred<string>();
  let started = 0;
  const slow = defineService('slow', {
    wait: async () => {
      started++;
      return gate.promise;
    },
  });
  const flow = defineWorkflow('held', async (ctx) => ctx.step(slow.wait, undefined));
  return { gate, slow, flow, started: () => started };
}

describe('run control', () => {
  it('retries a failed run from its failed step: what completed before is not run again', async () => {
    const calls: string[] = [];
    let broken = true;
    const { shop, order } = shopOrder(calls, () => broken);
    const tutti = await createTutti({ store: createMemoryStore(), services: [shop], workflows: [order] });
    try {
      const run = await tutti.start(order, 21, { id: 'o-1' });
      assert.match((await rejection(run.result())).message, /card gateway down/);
      broken = false;
      const retried = await tutti.retry<number>('o-1');
      assert.equal(await retried.result(), 42);
      assert.deepEqual(calls, ['reserve', 'charge', 'charge']);
      assert.equal((await tutti.getRun('o-1'))?.status, 'completed');
      const refused = await rejection(tutti.retry('o-1'));
      assert.ok(refused instanceof RunStateError);
      assert.match(refused.message, /is completed; only a failed or cancelled run can be retried/);
    } finally {
      await tutti.close();
    }
  });

  it('retries a failed child run along with its parent', async () => {
    let broken = true;
    const tools = defineService('tools', {
      work: async () => {
        if (broken) throw new NonRetryableError('broken');
        return 'done';
      },
    });
    const child = defineWorkflow('child', async (ctx) => ctx.step(tools.work, undefined));
    const parent = defineWorkflow('parent', async (ctx) => ctx.child(child, null, { id: 'p-1/child' }));
    const tutti = await createTutti({ store: createMemoryStore(), services: [tools], workflows: [child, parent] });
    try {
      await rejection((await tutti.start(parent, null, { id: 'p-1' })).result());
      assert.equal((await tutti.getRun('p-1/child'))?.status, 'failed');
      broken = false;
      assert.equal(await (await tutti.retry('p-1')).result(), 'done');
      assert.equal((await tutti.getRun('p-1/child'))?.status, 'completed');
    } finally {
      await tutti.close();
    }
  });

  it('restarts a finished run from the start, with a new input', async () => {
    let runs = 0;
    const count = defineService('count', { one: async (n: number) => ++runs + n });
    const flow = defineWorkflow('flow', async (ctx, n: number) => ctx.step(count.one, n));
    const tutti = await createTutti({ store: createMemoryStore(), services: [count], workflows: [flow] });
    try {
      assert.equal(await (await tutti.start(flow, 10, { id: 'f-1' })).result(), 11);
      assert.equal(await (await tutti.restart<number>('f-1', { input: 100 })).result(), 102);
      assert.equal((await tutti.getRun('f-1'))?.input, 100);
    } finally {
      await tutti.close();
    }
  });

  it('restarts a finished run from a journal position: the calls before it replay, the ones from it run again', async () => {
    const calls: string[] = [];
    const { shop, order } = shopOrder(calls, () => false);
    const tutti = await createTutti({ store: createMemoryStore(), services: [shop], workflows: [order] });
    try {
      assert.equal(await (await tutti.start(order, 5, { id: 'r-1' })).result(), 10);
      assert.equal(await (await tutti.restart<number>('r-1', { from: 1 })).result(), 10);
      assert.deepEqual(calls, ['reserve', 'charge', 'charge']);
      const beyond = await rejection(tutti.restart('r-1', { from: 3 }));
      assert.ok(beyond instanceof RunStateError);
      assert.match(beyond.message, /a restart can start from 0 to 2, not 3/);
      assert.match(
        (await rejection(tutti.restart('r-1', { from: 1, input: 7 }))).message,
        /a new input goes only with a restart from the start/,
      );
      assert.match((await rejection(tutti.restart('r-1', { from: -1 }))).message, /from must be a journal position/);
    } finally {
      await tutti.close();
    }
  });

  it('holds a run still for a change (its stored status untouched), then carries it on; handles follow the run', async () => {
    const { gate, slow, flow, started } = gatedFlow();
    const tutti = await createTutti({ store: createMemoryStore(), services: [slow], workflows: [flow] });
    try {
      const run = await tutti.start(flow, null, { id: 'w-1' });
      while (started() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      const seen = await tutti.whileHeld('w-1', async () => {
        const other = await rejection(tutti.whileHeld('w-1', async () => 'no'));
        assert.match(other.message, /is held for another change/);
        return (await tutti.getRun('w-1'))?.status;
      });
      assert.equal(seen, 'running', 'the stored status is left alone: a crash now would resume it');
      gate.resolve('through');
      assert.equal(await run.result(), 'through');
      assert.equal(started(), 2, 'the step under way was abandoned and ran again');
      assert.match(
        (await rejection(tutti.whileHeld('w-1', async () => 1))).message,
        /only a run in flight can be held/,
      );

      // A handle follows its run across a pause too: its result waits for the resumed run.
      const paused = await tutti.start(flow, null, { id: 'w-2' });
      while (started() === 2) await new Promise((resolve) => setTimeout(resolve, 1));
      await tutti.pause('w-2');
      const result = paused.result();
      await tutti.resume('w-2');
      assert.equal(await result, 'through');
    } finally {
      await tutti.close();
    }
  });

  it('pauses a run where it is, keeps it paused across a restart, and resumes it on demand', async () => {
    const { gate, slow, flow, started } = gatedFlow();
    const store = new PersistentStore(createMemoryStore());
    const first = await createTutti({ store, services: [slow], workflows: [flow] });
    await first.start(flow, null, { id: 'h-1' });
    await waitForStatus(store, 'h-1', 'running');
    await first.pause('h-1');
    assert.equal((await first.getRun('h-1'))?.status, 'paused');
    await first.pause('h-1'); // again: nothing to do
    await first.close();

    const second = await createTutti({ store, services: [slow], workflows: [flow] });
    try {
      assert.deepEqual(second.resumed, [], 'a paused run is not resumed on start');
      const again = await rejection(second.pause('nope'));
      assert.equal(again.code, 'UNKNOWN_RUN');
      // A handle taken while it is paused waits for it to be resumed and finish.
      const result = (await second.handle('h-1')).result();
      gate.resolve('through');
      await second.resume('h-1');
      assert.equal(await result, 'through');
      assert.equal(started(), 2, 'the step under way when paused ran again on resume');
      const notPaused = await rejection(second.resume('h-1'));
      assert.match(notPaused.message, /is completed, not paused/);
      assert.match((await rejection(second.pause('h-1'))).message, /only a run in flight can be paused/);
    } finally {
      await second.close();
      await store.destroy();
    }
  });

  it('refuses to retry a run whose compensations ran', async () => {
    const saga = defineService('saga', {
      book: async () => 'booked',
      unbook: async (_booking: string) => undefined,
      pay: async () => {
        throw new NonRetryableError('declined');
      },
    });
    const trip = defineWorkflow('trip', async (ctx) => {
      await ctx.step(saga.book, undefined, { compensate: saga.unbook });
      return ctx.step(saga.pay, undefined);
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [saga], workflows: [trip] });
    try {
      await rejection((await tutti.start(trip, null, { id: 't-1' })).result());
      const refused = await rejection(tutti.retry('t-1'));
      assert.match(refused.message, /ran compensations, so it cannot be retried/);
      assert.match((await rejection(tutti.restart('t-1'))).message, /cannot be restarted/);
    } finally {
      await tutti.close();
    }
  });
});
