/**
 * The task cases of the store conformance suite (see store.case.ts): claims, leases, completion.
 * Times are explicit (`now`), so leases expire without waiting.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { newRun, newTask } from './store-fixtures.js';

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
        { ...newTask('task-d', { visibleAt: 5 }), workerId: 'worker-1', leaseExpiresAt: 1_100 },
        { ...newTask('task-b', { visibleAt: 10 }), workerId: 'worker-1', leaseExpiresAt: 1_100 },
        { ...newTask('task-c', { visibleAt: 10 }), workerId: 'worker-1', leaseExpiresAt: 1_100 },
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
      assert.deepEqual(reclaimed, [{ ...newTask('task-1'), workerId: 'worker-b', leaseExpiresAt: 2_000 }]);
      assert.equal(await store.extendTaskLease('task-1', 'worker-a', 1_000, 1_001), false);
      assert.equal(await store.completeTask('task-1', 'worker-a'), false);
      assert.equal(await store.completeTask('task-1', 'worker-b'), true);
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

    it('completes only for the holder; unknown and unclaimed tasks return false', async () => {
      await enqueue(newTask('task-1'), newTask('task-2'));
      assert.equal(await store.completeTask('task-1', 'worker-a'), false); // not claimed yet
      await store.claimTasks('payments', 'worker-a', 1, 1_000, 0);
      assert.equal(await store.completeTask('task-1', 'worker-b'), false);
      assert.equal(await store.completeTask('task-1', 'worker-a'), true);
      assert.equal(await store.completeTask('task-1', 'worker-a'), false);
      assert.equal(await store.completeTask('task-unknown', 'worker-a'), false);
      assert.equal(await store.extendTaskLease('task-unknown', 'worker-a', 1_000, 0), false);
      assert.deepEqual(taskIds(await store.claimTasks('payments', 'worker-b', 10, 1_000, 0)), ['task-2']);
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
