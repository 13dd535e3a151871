/**
 * The task cases of the store conformance suite (see store.case.ts): claims, leases, completion,
 * release.
 * Times are explicit (`now`), so leases expire without waiting.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { newRun, newTask } from './store-fixtures.js';

const OK = '{"ok":true,"value":{"charged":42}}';

/** Registers the task cases; `currentStore` returns the store of the running case. */
export function taskCases(currentStore: () => Store): void {
  describe('tasks', () => {
    let store: Store;
    beforeEach(async () => {
      store = currentStore();
      await store.createRun(newRun('run-1'));
    });
    const enqueue = (...tasks: ReturnType<typeof newTask>[]) => store.commit({ runId: 'run-1', at: 1, enqueue: tasks });
    const taskIds = (tasks: { id: string }[]) => tasks.map((t) => t.id);

    it('claims visible tasks of one queue oldest first, up to `max`, leased to the worker', async () => {
      await enqueue(newTask('task-a', { visibleAt: 20 }), newTask('task-b', { visibleAt: 10 }));
      await enqueue(newTask('task-c', { visibleAt: 10 }), newTask('task-x', { queue: 'shipping' }));
      await enqueue(newTask('task-d', { visibleAt: 5 }));
      const claimed = await store.claimTasks('payments', 'worker-1', 3, 1_000, 100);
      assert.deepEqual(claimed, [
        { ...newTask('task-d', { visibleAt: 5 }), workerId: 'worker-1', leaseExpiresAt: 1_100, outcome: null },
        { ...newTask('task-b', { visibleAt: 10 }), workerId: 'worker-1', leaseExpiresAt: 1_100, outcome: null },
        { ...newTask('task-c', { visibleAt: 10 }), workerId: 'worker-1', leaseExpiresAt: 1_100, outcome: null },
      ]);
      assert.deepEqual(taskIds(await store.claimTasks('payments', 'worker-1', 3, 1_000, 100)), ['task-a']);
      assert.deepEqual(await store.claimTasks('payments', 'worker-1', 3, 1_000, 100), []);
      assert.deepEqual(taskIds(await store.claimTasks('shipping', 'worker-2', 3, 1_000, 100)), ['task-x']);
      assert.deepEqual(await store.claimTasks('unknown', 'worker-2', 3, 1_000, 100), []);
    });

    it('does not hand out a task before its visibleAt', async () => {
      await enqueue(newTask('task-1', { visibleAt: 500 }));
      assert.deepEqual(await store.claimTasks('payments', 'worker-1', 10, 1_000, 499), []);
      assert.deepEqual(taskIds(await store.claimTasks('payments', 'worker-1', 10, 1_000, 500)), ['task-1']);
    });

    it('hides a claimed task from other workers until its lease expires, then lets another claim it', async () => {
      await enqueue(newTask('task-1'));
      assert.equal((await store.claimTasks('payments', 'worker-a', 10, 1_000, 0)).length, 1);
      assert.deepEqual(await store.claimTasks('payments', 'worker-b', 10, 1_000, 999), []);
      const reclaimed = await store.claimTasks('payments', 'worker-b', 10, 1_000, 1_000);
      assert.deepEqual(reclaimed, [
        { ...newTask('task-1'), workerId: 'worker-b', leaseExpiresAt: 2_000, outcome: null },
      ]);
      assert.equal(await store.extendTaskLease('task-1', 'worker-a', 1_000, 1_001), false);
      assert.equal(await store.completeTask('task-1', 'worker-a', OK), false);
      assert.equal(await store.completeTask('task-1', 'worker-b', OK), true);
      assert.deepEqual(await store.claimTasks('payments', 'worker-c', 10, 1_000, 10_000), []);
    });

    it('extends the lease of the worker that holds it, which holds off other workers longer', async () => {
      await enqueue(newTask('task-1'));
      await store.claimTasks('payments', 'worker-a', 10, 1_000, 0);
      assert.equal(await store.extendTaskLease('task-1', 'worker-a', 1_000, 500), true);
      assert.deepEqual(await store.claimTasks('payments', 'worker-b', 10, 1_000, 1_200), []);
      assert.deepEqual(taskIds(await store.claimTasks('payments', 'worker-b', 10, 1_000, 1_500)), ['task-1']);
    });

    it('refuses to extend an expired lease, even when nobody has claimed the task since', async () => {
      await enqueue(newTask('task-1'));
      await store.claimTasks('payments', 'worker-a', 10, 1_000, 0);
      assert.equal(await store.extendTaskLease('task-1', 'worker-a', 1_000, 1_000), false);
      assert.equal(await store.extendTaskLease('task-1', 'worker-b', 1_000, 10), false);
    });

    it('completes only for the holder, once; unknown and unclaimed tasks return false', async () => {
      await enqueue(newTask('task-1'), newTask('task-2'));
      assert.equal(await store.completeTask('task-1', 'worker-a', OK), false); // not claimed yet
      await store.claimTasks('payments', 'worker-a', 1, 1_000, 0);
      assert.equal(await store.completeTask('task-1', 'worker-b', OK), false);
      assert.equal(await store.completeTask('task-1', 'worker-a', OK), true);
      assert.equal(await store.completeTask('task-1', 'worker-a', '{"ok":false}'), false);
      assert.equal((await store.getTask('task-1'))?.outcome, OK);
      assert.equal(await store.completeTask('task-unknown', 'worker-a', OK), false);
      assert.equal(await store.extendTaskLease('task-unknown', 'worker-a', 1_000, 0), false);
      assert.deepEqual(taskIds(await store.claimTasks('payments', 'worker-b', 10, 1_000, 0)), ['task-2']);
    });

    it('keeps an outcome durably, never hands out a task that has one, and refuses its heartbeat', async () => {
      await enqueue(newTask('task-1'));
      await store.claimTasks('payments', 'worker-a', 1, 1_000, 0);
      assert.equal(await store.completeTask('task-1', 'worker-a', OK), true);
      assert.equal(await store.extendTaskLease('task-1', 'worker-a', 1_000, 10), false);
      assert.deepEqual(await store.claimTasks('payments', 'worker-b', 10, 1_000, 10_000), []);
      assert.deepEqual(await store.getTask('task-1'), {
        ...newTask('task-1'),
        workerId: 'worker-a',
        leaseExpiresAt: null,
        outcome: OK,
      });
      assert.equal(await store.getTask('task-unknown'), undefined);
    });

    it('releases a held task: another worker claims it at once, in its place, with its id and attempt', async () => {
      await enqueue(newTask('task-1', { attempt: 2 }), newTask('task-2'));
      await store.claimTasks('payments', 'worker-a', 1, 10_000, 0);
      assert.equal(await store.releaseTask('task-1', 'worker-a', 100), true);
      assert.deepEqual(await store.getTask('task-1'), {
        ...newTask('task-1', { attempt: 2 }),
        workerId: null,
        leaseExpiresAt: null,
        outcome: null,
      });
      assert.deepEqual(await store.claimTasks('payments', 'worker-b', 1, 10_000, 100), [
        { ...newTask('task-1', { attempt: 2 }), workerId: 'worker-b', leaseExpiresAt: 10_100, outcome: null },
      ]);
    });

    it('refuses a release from a worker that does not hold the task, and changes nothing', async () => {
      await enqueue(newTask('task-1'));
      assert.equal(await store.releaseTask('task-1', 'worker-a', 0), false); // not claimed yet
      await store.claimTasks('payments', 'worker-a', 1, 1_000, 0);
      const held = await store.getTask('task-1');
      assert.equal(await store.releaseTask('task-1', 'worker-b', 10), false);
      assert.equal(await store.releaseTask('task-1', 'worker-a', 1_000), false); // its lease ran out
      assert.deepEqual(await store.getTask('task-1'), held);
      await store.claimTasks('payments', 'worker-b', 1, 1_000, 1_000);
      assert.equal(await store.releaseTask('task-1', 'worker-a', 1_001), false); // another holds it now
      assert.equal((await store.getTask('task-1'))?.workerId, 'worker-b');
      assert.deepEqual(await store.claimTasks('payments', 'worker-c', 1, 1_000, 1_001), []);
      assert.equal(await store.releaseTask('task-unknown', 'worker-a', 0), false);
    });

    it('refuses a release once an outcome is recorded, or the task is gone, and a second release', async () => {
      await enqueue(newTask('task-1'), newTask('task-2'), newTask('task-3'));
      await store.claimTasks('payments', 'worker-a', 3, 1_000, 0);
      assert.equal(await store.completeTask('task-1', 'worker-a', OK), true);
      assert.equal(await store.releaseTask('task-1', 'worker-a', 10), false);
      assert.deepEqual(await store.getTask('task-1'), {
        ...newTask('task-1'),
        workerId: 'worker-a',
        leaseExpiresAt: null,
        outcome: OK,
      });
      assert.equal(await store.cancelTask('task-2'), true);
      assert.equal(await store.releaseTask('task-2', 'worker-a', 10), false);
      assert.equal(await store.releaseTask('task-3', 'worker-a', 10), true);
      assert.equal(await store.releaseTask('task-3', 'worker-a', 10), false);
      assert.deepEqual(taskIds(await store.claimTasks('payments', 'worker-b', 10, 1_000, 10)), ['task-3']);
    });

    it("ignores the releasing worker's late heartbeat and late report: the task stays free for others", async () => {
      await enqueue(newTask('task-1'));
      await store.claimTasks('payments', 'worker-a', 1, 10_000, 0);
      assert.equal(await store.releaseTask('task-1', 'worker-a', 100), true);
      assert.equal(await store.extendTaskLease('task-1', 'worker-a', 10_000, 100), false);
      assert.equal(await store.extendTaskLease('task-1', 'worker-a', 10_000, 50), false); // even stamped before the release
      assert.equal(await store.completeTask('task-1', 'worker-a', OK), false);
      assert.deepEqual(await store.getTask('task-1'), {
        ...newTask('task-1'),
        workerId: null,
        leaseExpiresAt: null,
        outcome: null,
      });
      assert.deepEqual(taskIds(await store.claimTasks('payments', 'worker-b', 1, 1_000, 101)), ['task-1']);
    });

    it('leaves a task enqueued again under its id as it is: its lease and its outcome', async () => {
      await enqueue(newTask('task-1', { input: '{"first":true}' }));
      await store.claimTasks('payments', 'worker-a', 1, 1_000, 0);
      await enqueue(newTask('task-1', { input: '{"second":true}' }));
      assert.deepEqual(await store.claimTasks('payments', 'worker-b', 1, 1_000, 10), []);
      const task = await store.getTask('task-1');
      assert.equal(task?.input, '{"first":true}');
      assert.equal(task?.workerId, 'worker-a');
    });

    it('drops tasks named by a transition, before it enqueues, and cancels one by id', async () => {
      await enqueue(newTask('task-1'), newTask('task-2'));
      await store.commit({ runId: 'run-1', at: 2, dropTasks: ['task-1'], enqueue: [newTask('task-3')] });
      assert.equal(await store.getTask('task-1'), undefined);
      assert.equal(await store.cancelTask('task-2'), true);
      assert.equal(await store.cancelTask('task-2'), false);
      assert.deepEqual(taskIds(await store.claimTasks('payments', 'worker-a', 10, 1_000, 0)), ['task-3']);
    });

    it("drops every task of a run when the run finishes, and no other run's", async () => {
      await store.createRun(newRun('run-2'));
      await enqueue(newTask('task-1'), newTask('task-2'));
      await store.commit({ runId: 'run-2', at: 1, enqueue: [newTask('task-9', { runId: 'run-2' })] });
      await store.claimTasks('payments', 'worker-a', 1, 1_000, 0);
      await store.commit({ runId: 'run-1', at: 2, status: 'sleeping' });
      assert.notEqual(await store.getTask('task-2'), undefined);
      await store.commit({ runId: 'run-1', at: 3, status: 'failed', error: '{}' });
      assert.equal(await store.getTask('task-1'), undefined);
      assert.equal(await store.getTask('task-2'), undefined);
      assert.equal((await store.getTask('task-9'))?.runId, 'run-2');
    });

    it('never hands one task to two concurrent claims', async () => {
      await enqueue(...Array.from({ length: 5 }, (_, i) => newTask(`task-${i}`)));
      const claims = await Promise.all(
        ['worker-a', 'worker-b', 'worker-c'].map((worker) => store.claimTasks('payments', worker, 2, 1_000, 0)),
      );
      const all = claims.flatMap(taskIds);
      assert.equal(all.length, 5);
      assert.equal(new Set(all).size, 5);
    });
  });
}
