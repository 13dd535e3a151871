/** Where the SQLite store's batches run (adaptiveWriter): inline only when small, idle and waited on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adaptiveWriter, type SqliteWriter } from '../../src/store/sqlite/sqlite-writer.js';
import type { StoreWrite } from '../../src/store/store-write.js';
import { newEvent, newRun } from '../conformance/store-fixtures.js';

/** A writer that records the batches it was given and answers when `land` is called. */
function recordingWriter() {
  const batches: StoreWrite[][] = [];
  const waiting: (() => void)[] = [];
  const writer: SqliteWriter = {
    call: ((_op: string, batch: StoreWrite[]) => {
      batches.push(batch);
      return new Promise<unknown[]>((resolve) => waiting.push(() => resolve(batch.map(() => undefined))));
    }) as SqliteWriter['call'],
    close: () => Promise.resolve(),
  };
  const land = () => {
    for (const resolve of waiting.splice(0)) resolve();
  };
  return { writer, batches, land };
}

const create: StoreWrite = { type: 'create', run: newRun('r-1') };
const ack: StoreWrite = {
  type: 'deliveries',
  commit: { subscription: 'billing', position: 7, ackedAbove: [] },
};
const bigPublish: StoreWrite = {
  type: 'publish',
  events: Array.from({ length: 10 }, (_, i) => newEvent(`e-${i}`)),
};

test('a small batch runs inline while the thread is idle; large ones and acknowledgements go to the thread', async () => {
  const inline = recordingWriter();
  const thread = recordingWriter();
  const writer = adaptiveWriter(inline.writer, thread.writer, 4);
  void writer.call('applyBatch', [create]);
  assert.equal(inline.batches.length, 1, 'a lone small batch skips the thread hops');
  void writer.call('applyBatch', [bigPublish]);
  assert.equal(thread.batches.length, 1, 'ten rows are not small');
  thread.land();
  await new Promise((resolve) => setImmediate(resolve));
  void writer.call('applyBatch', [ack]);
  assert.equal(thread.batches.length, 2, 'nobody waits on an acknowledgement: never an fsync on the caller');
  void writer.call('applyBatch', [create]);
  assert.equal(thread.batches.length, 3, 'behind a batch in flight, order keeps it on the thread');
  assert.equal(inline.batches.length, 1);
});
