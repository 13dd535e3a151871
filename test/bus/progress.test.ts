/** Progress: a subscription's position moves past its settled prefix; only acknowledgements above it are remembered. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Progress, type Tracked } from '../../src/bus/embedded/progress.js';

function read(progress: Progress<Tracked>, ...seqs: number[]): Tracked[] {
  return seqs.map((seq) => {
    const entry = { seq, settled: true };
    progress.readUpTo(seq);
    progress.track(entry);
    return entry;
  });
}

test('the position stays below the oldest unsettled event and moves past the settled prefix', () => {
  const progress = new Progress<Tracked>(0, []);
  const [a, b, c] = read(progress, 1, 2, 3) as [Tracked, Tracked, Tracked];
  assert.equal(progress.position, 0);
  progress.settle(b);
  progress.acknowledge(b.seq);
  assert.equal(progress.position, 0, 'seq 1 still holds it');
  assert.deepEqual(progress.ackedAbove(), [2]);
  assert.equal(progress.held, 3, 'two unsettled, one acknowledgement above the position');
  progress.settle(a);
  progress.acknowledge(a.seq);
  assert.equal(progress.position, 2);
  assert.deepEqual(progress.ackedAbove(), [], 'acknowledgements at or below the position are not kept');
  assert.equal(progress.held, 1);
  progress.settle(c);
  assert.equal(progress.position, 3);
  assert.equal(progress.unsettled, 0);
});

test('acknowledgements in the common order (oldest first) are never kept, however many', () => {
  const progress = new Progress<Tracked>(0, []);
  const entries = read(progress, ...Array.from({ length: 5_000 }, (_, i) => i + 1));
  for (const entry of entries) {
    progress.settle(entry);
    progress.acknowledge(entry.seq);
    assert.equal(progress.held, progress.unsettled);
  }
  assert.equal(progress.position, 5_000);
});

test('acknowledgements out of order are kept sorted, once each, and events skipped at start move the position', () => {
  const progress = new Progress<Tracked>(10, [12, 14]);
  assert.deepEqual(progress.ackedAbove(), [12, 14]);
  const [e11] = read(progress, 11) as [Tracked];
  progress.readUpTo(12); // acknowledged before the restart: skipped, not tracked
  const [e13, e15, e16] = read(progress, 13, 15, 16) as [Tracked, Tracked, Tracked];
  for (const entry of [e16, e15, e16]) {
    progress.settle(entry);
    progress.acknowledge(entry.seq);
  }
  assert.deepEqual(progress.ackedAbove(), [12, 14, 15, 16]);
  progress.settle(e11);
  assert.equal(progress.position, 12);
  assert.deepEqual(progress.ackedAbove(), [14, 15, 16]);
  progress.settle(e13);
  assert.equal(progress.position, 16);
  assert.deepEqual(progress.ackedAbove(), []);
  assert.equal(progress.held, 0);
});

test('a parked event settles without an acknowledgement; acknowledging it later above the position keeps it', () => {
  const progress = new Progress<Tracked>(0, []);
  const [a, b] = read(progress, 1, 2) as [Tracked, Tracked];
  progress.settle(b); // parked in a commit
  progress.settle(b); // idempotent
  assert.equal(progress.unsettled, 1);
  assert.deepEqual(progress.ackedAbove(), []);
  progress.acknowledge(b.seq); // its retry succeeded while seq 1 still holds the position
  assert.deepEqual(progress.ackedAbove(), [2]);
  progress.settle(a);
  assert.equal(progress.position, 2);
});
