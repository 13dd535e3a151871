/** GroupCommit: the writes of one turn go in one batch; a heavy one is handed over at once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit, Rejected } from '../../src/store/group-commit.js';

test('the writes of one turn are applied in one batch, in order, each settling with its result', async () => {
  const batches: number[][] = [];
  const commit = new GroupCommit<number, number>((ops) => {
    batches.push([...ops]);
    return ops.map((op) => op * 10);
  });
  const results = await Promise.all([1, 2, 3].map((op) => commit.submit(op)));
  assert.deepEqual(results, [10, 20, 30]);
  assert.deepEqual(batches, [[1, 2, 3]]);
});

test('a failing write fails alone; the others of its batch stand', async () => {
  const commit = new GroupCommit<number, number>((ops) => {
    if (ops.includes(2) && ops.length > 1) throw new Error('batch failed');
    return ops.map((op) => (op === 2 ? new Rejected(new Error('two is bad')) : op));
  });
  const settled = await Promise.allSettled([1, 2, 3].map((op) => commit.submit(op)));
  assert.deepEqual(
    settled.map((s) => s.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
});

test('an asynchronous applier gets a batch as soon as it weighs maxBatch, before the turn ends', async () => {
  const batches: number[][] = [];
  const commit = new GroupCommit<number, number>(
    async (ops) => {
      batches.push([...ops]);
      return [...ops];
    },
    { maxBatch: 100, weight: (op) => op },
  );
  const pending = [commit.submit(30), commit.submit(80), commit.submit(5), commit.submit(1)];
  assert.deepEqual(batches, [[30, 80]], 'handed over on the write that reached the weight, synchronously');
  await Promise.all(pending);
  assert.deepEqual(batches, [
    [30, 80],
    [5, 1],
  ]);
});
