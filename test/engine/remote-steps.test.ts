/**
 * Remote steps through the task queue, without HTTP: a test plays the worker with
 * `tutti.tasks.poll/heartbeat/report`, as the server's worker endpoints do.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  createTutti,
  defineWorkflow,
  RemoteTaskError,
  remoteService,
  remoteTaskTypes,
  TaskNotHeldError,
  type Tutti,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { rejection, within } from './helpers.js';

interface Order {
  id: string;
  amount: number;
}

const payment = remoteService<{ charge: (o: Order) => { chargeId: string } }>('payment', ['charge']);
const checkout = defineWorkflow('checkout', async (ctx, order: Order) => {
  const { chargeId } = await ctx.step(payment.charge, order, { retry: { maxAttempts: 2, initialInterval: '1ms' } });
  return { chargeId };
});
const poll = (tutti: Tutti, workerId: string, waitMs = 2_000) =>
  tutti.tasks.poll({ queue: 'payment', workerId, max: 10, leaseMs: 10_000, waitMs });

describe('remote steps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-remote-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a step on a worker that polls for it, and removes its task once journaled', async () => {
    const tutti = await createTutti({ store: createMemoryStore(), services: [payment], workflows: [checkout] });
    try {
      const waiting = poll(tutti, 'worker-1'); // waits before the task exists: the enqueue wakes it
      const run = await tutti.start(checkout, { id: 'o-1', amount: 42 }, { id: 'run-1' });
      const [task] = await within(waiting, 1_000, 'the long-poll to return the new task');
      assert.equal(task?.queue, 'payment');
      assert.equal(task?.name, 'charge');
      assert.deepEqual(JSON.parse(task?.input ?? 'null'), { id: 'o-1', amount: 42 });
      assert.equal(task?.idempotencyKey, 'run-1:0');
      await tutti.tasks.report(task?.id as string, 'worker-1', { ok: true, value: { chargeId: 'c-42' } });
      assert.deepEqual(await run.result(), { chargeId: 'c-42' });
      assert.equal(await tutti.store.getTask(task?.id as string), undefined);
    } finally {
      await tutti.close();
    }
  });

  it("retries a worker's retryable failure as a new attempt, and fails the run on a non-retryable one", async () => {
    const tutti = await createTutti({ store: createMemoryStore(), services: [payment], workflows: [checkout] });
    try {
      const run = await tutti.start(checkout, { id: 'o-2', amount: 1 }, { id: 'run-2' });
      const [first] = await poll(tutti, 'worker-1');
      await tutti.tasks.report(first?.id as string, 'worker-1', { ok: false, error: { message: 'gateway busy' } });
      const [second] = await poll(tutti, 'worker-1');
      assert.equal(second?.attempt, 2);
      assert.notEqual(second?.id, first?.id);
      await tutti.tasks.report(second?.id as string, 'worker-1', {
        ok: false,
        error: { message: 'card declined', code: 'DECLINED', retryable: false },
      });
      const error = await rejection(run.result());
      assert.match(error.message, /card declined/);
      const info = await tutti.getRun('run-2');
      assert.equal(info?.status, 'failed');
      assert.equal(await tutti.store.getTask(second?.id as string), undefined);
    } finally {
      await tutti.close();
    }
  });

  it('hands a task whose lease expired to another worker, and refuses the first worker late', async () => {
    const tutti = await createTutti({ store: createMemoryStore(), services: [payment], workflows: [checkout] });
    try {
      const run = await tutti.start(checkout, { id: 'o-3', amount: 3 }, { id: 'run-3' });
      const [task] = await tutti.tasks.poll({ queue: 'payment', workerId: 'dies', max: 1, leaseMs: 50, waitMs: 1_000 });
      assert.ok(task);
      assert.ok((await tutti.tasks.heartbeat(task.id, 'dies', 50)) > Date.now());
      const [again] = await within(poll(tutti, 'survivor', 3_000), 3_500, 'redelivery after the lease');
      assert.equal(again?.id, task.id);
      const late = await rejection(tutti.tasks.report(task.id, 'dies', { ok: true, value: { chargeId: 'late' } }));
      assert.ok(late instanceof TaskNotHeldError, String(late));
      assert.match(late.message, /worker 'survivor' holds it/);
      await assert.rejects(tutti.tasks.heartbeat(task.id, 'dies', 50), TaskNotHeldError);
      await tutti.tasks.report(task.id, 'survivor', { ok: true, value: { chargeId: 'c-3' } });
      const twice = await rejection(tutti.tasks.report(task.id, 'survivor', { ok: true, value: { chargeId: 'x' } }));
      assert.ok(twice instanceof TaskNotHeldError);
      assert.deepEqual(await run.result(), { chargeId: 'c-3' });
    } finally {
      await tutti.close();
    }
  });

  it('withdraws the task of an attempt that timed out, so that no worker runs it late', async () => {
    const slow = defineWorkflow('slow', async (ctx, order: Order) =>
      ctx.step(payment.charge, order, { timeout: '100ms', retry: { maxAttempts: 1 } }),
    );
    const tutti = await createTutti({ store: createMemoryStore(), services: [payment], workflows: [slow] });
    try {
      const run = await tutti.start(slow, { id: 'o-4', amount: 4 }, { id: 'run-4' });
      const error = await rejection(run.result());
      assert.match(String(error.message), /did not finish within 100 ms/);
      assert.deepEqual(await poll(tutti, 'worker-1', 0), []);
    } finally {
      await tutti.close();
    }
  });

  it('keeps a claimed task across a restart: the outcome reported later completes the run, run once', async () => {
    const path = join(dir, 'restart.db');
    const first = await createTutti({ store: createSqliteStore({ path }), services: [payment], workflows: [checkout] });
    await first.start(checkout, { id: 'o-5', amount: 5 }, { id: 'run-5' });
    const [task] = await poll(first, 'worker-1');
    assert.ok(task);
    await first.close(); // a shutdown hands the task back to nobody: the worker still holds it

    const second = await createTutti({
      store: createSqliteStore({ path }),
      services: [payment],
      workflows: [checkout],
    });
    try {
      assert.deepEqual(second.resumed, ['run-5']);
      assert.deepEqual(await poll(second, 'worker-2', 0), [], 'the lease still holds: nobody else gets it');
      await second.tasks.report(task.id, 'worker-1', { ok: true, value: { chargeId: 'c-5' } });
      assert.deepEqual(await (await second.handle('run-5')).result(), { chargeId: 'c-5' });
    } finally {
      await second.close();
    }
  });

  it('picks up an outcome reported while no engine waited for it (after a crash)', async () => {
    const path = join(dir, 'crash.db');
    const store = createSqliteStore({ path });
    const first = await createTutti({ store, services: [payment], workflows: [checkout] });
    await first.start(checkout, { id: 'o-6', amount: 6 }, { id: 'run-6' });
    const [task] = await poll(first, 'worker-1');
    assert.ok(task);
    await first.close();
    // The worker reports to whatever serves the queue while the engine is down.
    const between = createSqliteStore({ path });
    assert.equal(
      await between.completeTask(task.id, 'worker-1', JSON.stringify({ ok: true, value: { chargeId: 'c-6' } })),
      true,
    );
    await between.close();

    const second = await createTutti({
      store: createSqliteStore({ path }),
      services: [payment],
      workflows: [checkout],
    });
    try {
      assert.deepEqual(await (await second.handle('run-6')).result(), { chargeId: 'c-6' });
      assert.deepEqual(await poll(second, 'worker-2', 0), []);
    } finally {
      await second.close();
    }
  });

  it('gives each Conductor-style task type its own queue', async () => {
    const types = remoteTaskTypes('conductor-remote');
    const flow = defineWorkflow('two-types', async (ctx) => {
      const a = await ctx.step(types.step('encode'), { file: 'a.mp4' });
      const b = await ctx.step(types.step('deploy'), a);
      return b;
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [types], workflows: [flow] });
    try {
      const run = await tutti.start(flow, {}, { id: 'run-7' });
      const [encode] = await tutti.tasks.poll({
        queue: 'encode',
        workerId: 'w',
        max: 1,
        leaseMs: 1_000,
        waitMs: 1_000,
      });
      await tutti.tasks.report(encode?.id as string, 'w', { ok: true, value: { location: 's3://a' } });
      const [deploy] = await tutti.tasks.poll({
        queue: 'deploy',
        workerId: 'w',
        max: 1,
        leaseMs: 1_000,
        waitMs: 1_000,
      });
      assert.deepEqual(JSON.parse(deploy?.input ?? 'null'), { location: 's3://a' });
      await tutti.tasks.report(deploy?.id as string, 'w', { ok: true, value: { deployed: true } });
      assert.deepEqual(await run.result(), { deployed: true });
    } finally {
      await tutti.close();
    }
  });

  it('refuses a direct call of a remote step with a clear error', () => {
    const error = (() => {
      try {
        (payment.charge.fn as () => unknown)();
      } catch (e) {
        return e as Error;
      }
    })();
    assert.ok(error instanceof Error);
    assert.match(error.message, /runs on a remote worker; call it with ctx.step/);
    assert.ok(!(error instanceof RemoteTaskError));
  });
});
