import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createTutti,
  defineService,
  defineWorkflow,
  NonRetryableError,
  RunCancelledError,
  RunFailedError,
  type StepContext,
  UnknownRunError,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { deferred, rejection, waitForStatus, within } from './helpers.js';

describe('durable sleep', () => {
  test('ctx.sleep waits, shows the run as sleeping, then journals the sleep and clears its timer', async () => {
    const wf = defineWorkflow('napper', async (ctx) => {
      const before = Date.now();
      await ctx.sleep('40ms');
      return Date.now() - before;
    });
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [wf] });
    try {
      const run = await tutti.start(wf, null);
      await waitForStatus(tutti.store, run.id, 'sleeping');
      const sleeping = await tutti.store.readRunState(run.id);
      assert.equal(sleeping?.timers.length, 1);
      assert.equal(sleeping?.timers[0]?.kind, 'sleep');
      const slept = (await run.result()) as number;
      assert.ok(slept >= 40, `slept ${slept} ms`);
      const state = await tutti.store.readRunState(run.id);
      assert.equal(state?.run.status, 'completed');
      assert.deepEqual(
        state?.journal.map((e) => [e.kind, e.name, e.ok]),
        [['sleep', 'sleep', true]],
      );
      assert.deepEqual(state?.timers, []);
    } finally {
      await tutti.close();
    }
  });
});

describe('cancellation', () => {
  const calls: string[] = [];
  const svc = defineService('booking', {
    book: () => {
      calls.push('book');
      return { bookingId: 'b-1' };
    },
    unbook: (b: { bookingId: string }) => {
      calls.push(`unbook ${b.bookingId}`);
    },
  });

  test('cancelling a sleeping run ends it cancelled, runs its compensations and clears its timer', async () => {
    calls.length = 0;
    const wf = defineWorkflow('sleepy', async (ctx) => {
      await ctx.step(svc.book, undefined, { compensate: svc.unbook });
      await ctx.sleep('1h');
      return 'woke';
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    const cancelled: string[] = [];
    tutti.events.on('run:cancelled', (e) => cancelled.push(e.runId));
    try {
      const run = await tutti.start(wf, null, { id: 'c1' });
      await waitForStatus(tutti.store, 'c1', 'sleeping');
      await within(run.cancel('customer changed their mind'), 2000, 'cancel');
      const error = await rejection(run.result());
      assert.ok(error instanceof RunCancelledError, String(error));
      assert.equal(error.runId, 'c1');
      assert.equal(error.message, "run 'c1' was cancelled: customer changed their mind");
      assert.equal((await run.info()).status, 'cancelled');
      assert.deepEqual(calls, ['book', 'unbook b-1']);
      assert.deepEqual(cancelled, ['c1']);
      assert.deepEqual((await tutti.store.readRunState('c1'))?.timers, [], 'no wake-up is left for a finished run');
      // A handle obtained later reports the same.
      const later = await rejection((await tutti.handle('c1')).result());
      assert.ok(later instanceof RunCancelledError);
      assert.equal(later.message, error.message);
    } finally {
      await tutti.close();
    }
  });

  test('cancelling a run waiting to retry a step stops the retries and clears the retry timer', async () => {
    let attempts = 0;
    const flaky = defineService('flaky', {
      call: () => {
        attempts++;
        throw new Error('down');
      },
    });
    const wf = defineWorkflow('retrier', (ctx) =>
      ctx.step(flaky.call, undefined, { retry: { maxAttempts: 5, initialInterval: '1h' } }),
    );
    const tutti = await createTutti({ store: createMemoryStore(), services: [flaky], workflows: [wf] });
    try {
      const run = await tutti.start(wf, null);
      await waitForStatus(tutti.store, run.id, 'retrying');
      await within(run.cancel(), 2000, 'cancel');
      assert.ok((await rejection(run.result())) instanceof RunCancelledError);
      assert.equal(attempts, 1);
      const state = await tutti.store.readRunState(run.id);
      assert.equal(state?.run.status, 'cancelled');
      assert.deepEqual(state?.timers, []);
    } finally {
      await tutti.close();
    }
  });

  test('cancelling a run aborts the signal of its running step', async () => {
    const started = deferred<AbortSignal>();
    const svc2 = defineService('long', {
      run: (_: null, ctx: StepContext) => {
        started.resolve(ctx.signal);
        return new Promise(() => {});
      },
    });
    const wf = defineWorkflow('longrun', (ctx) => ctx.step(svc2.run, null));
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc2], workflows: [wf] });
    try {
      const run = await tutti.start(wf, null);
      const signal = await within(started.promise, 2000, 'step start');
      await within(run.cancel('stop'), 2000, 'cancel');
      assert.equal(signal.aborted, true);
      assert.ok(signal.reason instanceof RunCancelledError);
      assert.ok((await rejection(run.result())) instanceof RunCancelledError);
      assert.deepEqual((await tutti.store.readRunState(run.id))?.journal, [], 'a cancelled attempt is not journaled');
    } finally {
      await tutti.close();
    }
  });

  test('cancelling a parent cancels its live child', async () => {
    const child = defineWorkflow('child', async (ctx) => {
      await ctx.sleep('1h');
      return 'child woke';
    });
    const parent = defineWorkflow('parent', (ctx) => ctx.child(child, null));
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [parent, child] });
    try {
      const run = await tutti.start(parent, null, { id: 'p' });
      await waitForStatus(tutti.store, 'p/0', 'sleeping');
      const childHandle = await tutti.handle('p/0');
      await within(run.cancel(), 2000, 'cancel');
      assert.ok((await rejection(run.result())) instanceof RunCancelledError);
      const childError = await within(rejection(childHandle.result()), 2000, 'child result');
      assert.ok(childError instanceof RunCancelledError);
      assert.match(childError.message, /parent run 'p' was cancelled/);
      await waitForStatus(tutti.store, 'p/0', 'cancelled');
      assert.equal((await tutti.getRun('p'))?.status, 'cancelled');
    } finally {
      await tutti.close();
    }
  });

  test('cancelling a run that already failed and is compensating does not turn it into a cancelled run', async () => {
    const undoing = deferred();
    const finishUndo = deferred();
    const calls: string[] = [];
    const svc3 = defineService('undo', {
      act: () => 'acted',
      undo: async (_acted: unknown) => {
        undoing.resolve();
        await finishUndo.promise;
        calls.push('undone');
      },
      fail: () => {
        throw new NonRetryableError('the real failure');
      },
    });
    const wf = defineWorkflow('failing', async (ctx) => {
      await ctx.step(svc3.act, undefined, { compensate: svc3.undo });
      await ctx.step(svc3.fail, undefined);
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc3], workflows: [wf] });
    try {
      const run = await tutti.start(wf, null);
      await within(undoing.promise, 2000, 'compensation start');
      const cancelling = run.cancel('too late');
      finishUndo.resolve();
      await within(cancelling, 2000, 'cancel');
      const error = await rejection(run.result());
      assert.ok(error instanceof RunFailedError, String(error));
      assert.match(error.message, /the real failure/);
      assert.deepEqual(calls, ['undone']);
      assert.equal((await run.info()).status, 'failed');
    } finally {
      await tutti.close();
    }
  });

  test('cancelling a finished run changes nothing', async () => {
    const ok = defineWorkflow('ok', async () => 'done');
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [ok] });
    try {
      const run = await tutti.start(ok, null);
      assert.equal(await run.result(), 'done');
      const before = await tutti.store.getRun(run.id);
      await run.cancel('too late');
      await tutti.cancel(run.id);
      assert.deepEqual(await tutti.store.getRun(run.id), before);
      assert.equal(await (await tutti.handle(run.id)).result(), 'done');
    } finally {
      await tutti.close();
    }
  });

  test('cancelling an unknown run throws UnknownRunError', async () => {
    const tutti = await createTutti({ store: createMemoryStore() });
    try {
      assert.ok((await rejection(tutti.cancel('nobody'))) instanceof UnknownRunError);
    } finally {
      await tutti.close();
    }
  });
});
