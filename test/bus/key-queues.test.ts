/** KeyQueues: one event per key at a time, in seq order; other keys and keyless events go meanwhile. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyQueues, type Queued } from '../../src/bus/embedded/key-queues.js';

interface Item extends Queued<Item> {}

const item = (seq: number, key: string | undefined): Item => ({ seq, key, nextOfKey: undefined, headsKey: false });

function drain(queues: KeyQueues<Item>): number[] {
  const seqs: number[] = [];
  for (let next = queues.take(); next; next = queues.take()) seqs.push(next.seq);
  return seqs;
}

test('one entry per key is ready at a time, the next after its release; keyless entries go at once', () => {
  const queues = new KeyQueues<Item>();
  const [a1, b1, a2, none, a3] = [item(1, 'a'), item(2, 'b'), item(3, 'a'), item(4, undefined), item(5, 'a')];
  for (const entry of [a1, b1, a2, none, a3]) queues.push(entry);
  assert.deepEqual(drain(queues), [1, 2, 4]);
  assert.deepEqual(
    queues.waiting(a1).map((e) => e.seq),
    [3, 5],
  );
  queues.release(a2); // not the head: nothing moves
  assert.equal(queues.readyCount, 0);
  queues.release(a1);
  assert.deepEqual(drain(queues), [3]);
  queues.release(a2);
  queues.release(a2); // a second release of the same entry does nothing
  assert.deepEqual(drain(queues), [5]);
  queues.release(a3);
  queues.push(item(6, 'a'));
  assert.deepEqual(drain(queues), [6], 'the key was let go and starts afresh');
});

test('a waiting entry heads its key without being ready; pushReady makes it deliverable', () => {
  const queues = new KeyQueues<Item>();
  const retry = item(1, 'a');
  queues.pushWaiting(retry);
  queues.push(item(2, 'a'));
  assert.equal(queues.readyCount, 0, 'the key waits for its retry');
  queues.pushReady(retry);
  assert.deepEqual(drain(queues), [1]);
  queues.release(retry);
  assert.deepEqual(drain(queues), [2]);
});

test('many keys used once each: their queues are let go, and reused keys keep their order', () => {
  const queues = new KeyQueues<Item>();
  for (let seq = 1; seq <= 5_000; seq++) {
    const entry = item(seq, `order-${seq}`);
    queues.push(entry);
    assert.equal(queues.take(), entry);
    queues.release(entry);
  }
  assert.ok(queues.keyCount <= 2_500, `idle keys are forgotten in bulk (${queues.keyCount} kept)`);
  const [first, second] = [item(5_001, 'order-4999'), item(5_002, 'order-4999')];
  queues.push(first);
  queues.push(second);
  assert.deepEqual(drain(queues), [5_001]);
  queues.release(first);
  assert.deepEqual(drain(queues), [5_002]);
});
