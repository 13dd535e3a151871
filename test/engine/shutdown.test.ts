/**
 * Shutdown: close() stops live runs where they are without recording an outcome, and a new
 * instance on the same store (a PersistentStore outlives a Tutti instance, like a file) resumes
 * them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createTutti,
  defineService,
  defineWorkflow,
  NonRetryableError,
  RunFailedError,
  RunInterruptedError,
} from '../../src/index.js';
import { deferred, PersistentStore, rejection, waitForStatus, within } from './helpers.js';

describe('shutdown and restart', () => {
  test('close() halts a sleeping run without an outcome; a new instance on the store resumes and completes it', async () => {
    const calls: string[] = [];
    const svc = defineService('svc', {
      before: () => calls.push('before'),
      after: () => calls.push('after'),
    });
    const wf = defineWorkflow('napper', async (ctx) => {
      await ctx.step(svc.before, undefined);
      await ctx.sleep('60ms');
      await ctx.step(svc.after, undefined);
      return 'rested';
    });
    const store = new PersistentStore();
    const first = await createTutti({ store, services: [svc], workflows: [wf] });
    const startedAt = Date.now();
    const run = await first.start(wf, null, { id: 'nap' });
    await waitForStatus(store, 'nap', 'sleeping');
    await within(first.close(), 2000, 'close');
    const interrupted = await rejection(run.result());
    assert.ok(interrupted instanceof RunInterruptedError, String(interrupted));
    assert.equal(interrupted.runId, 'nap');
    const halted = await store.readRunState('nap');
    assert.equal(halted?.run.status, 'sleeping');
    assert.equal(halted?.run.output, null);
    assert.equal(halted?.run.error, null);
    assert.equal(halted?.timers.length, 1, 'the wake-up is kept for the next instance');

    const second = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      assert.deepEqual(second.resumed, ['nap']);
      assert.equal(await (await second.handle('nap')).result(), 'rested');
      assert.ok(Date.now() - startedAt >= 60);
      assert.deepEqual(calls, ['before', 'after']);
      assert.equal((await store.getRun('nap'))?.status, 'completed');
    } finally {
      await second.close();
      await store.destroy();
    }
  });

  test('close() during a compensation stops it and a new instance finishes compensating', async () => {
    const calls: string[] = [];
    const undoStarted = deferred();
    let hang = true;
    const svc = defineService('svc', {
      act: () => calls.push('act'),
      undo: (_acted: unknown) => {
        calls.push('undo');
        undoStarted.resolve();
        return hang ? new Promise(() => {}) : 'undone'; // the first undo never ends by itself
      },
      fail: () => {
        throw new NonRetryableError('broken');
      },
    });
    const wf = defineWorkflow('saga', async (ctx) => {
      await ctx.step(svc.act, undefined, { compensate: svc.undo });
      await ctx.step(svc.fail, undefined);
    });
    const store = new PersistentStore();
    const first = await createTutti({ store, services: [svc], workflows: [wf] });
    const run = await first.start(wf, null, { id: 'saga' });
    await within(undoStarted.promise, 2000, 'compensation start');
    await within(first.close(), 2000, 'close during compensation');
    assert.ok((await rejection(run.result())) instanceof RunInterruptedError);
    assert.equal((await store.getRun('saga'))?.status, 'compensating');

    hang = false;
    const second = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      const error = await within(rejection((await second.handle('saga')).result()), 2000, 'resumed result');
      assert.ok(error instanceof RunFailedError);
      assert.match(error.message, /broken/);
      assert.deepEqual(calls, ['act', 'undo', 'undo']);
      const state = await store.readRunState('saga');
      assert.equal(state?.run.status, 'failed');
      assert.deepEqual(
        state?.journal.map((e) => [e.position, e.kind, e.name, e.ok]),
        [
          [0, 'step', 'svc.act', true],
          [1, 'step', 'svc.fail', false],
          [2, 'compensation', 'svc.undo', true],
        ],
      );
    } finally {
      await second.close();
      await store.destroy();
    }
  });

  test('close() while a failing compensation attempt is in flight settles the run (no hang)', async () => {
    const undoStarted = deferred();
    const releaseUndo = deferred();
    const svc = defineService(
      'svc',
      {
        act: () => 'acted',
        undo: async (_acted: unknown) => {
          undoStarted.resolve();
          await releaseUndo.promise;
          throw new Error('undo failed');
        },
        fail: () => {
          throw new NonRetryableError('broken');
        },
      },
      { retry: { initialInterval: 5 } },
    );
    const wf = defineWorkflow('saga', async (ctx) => {
      await ctx.step(svc.act, undefined, { compensate: svc.undo });
      await ctx.step(svc.fail, undefined);
    });
    const store = new PersistentStore();
    const tutti = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      const run = await tutti.start(wf, null, { id: 'saga2' });
      await within(undoStarted.promise, 2000, 'compensation start');
      const closing = tutti.close();
      releaseUndo.resolve();
      await within(closing, 2000, 'close');
      assert.ok((await within(rejection(run.result()), 2000, 'result')) instanceof RunInterruptedError);
      assert.equal((await store.getRun('saga2'))?.status, 'compensating');
    } finally {
      await tutti.close();
      await store.destroy();
    }
  });
});
