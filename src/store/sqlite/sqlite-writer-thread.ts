/**
 * The writer thread's entry point: owns the store's write connection and serves the write
 * operations posted by the main thread, one message at a time, answering each with its result or
 * its failure (as data). Statements and fsyncs run here, so the engine's thread keeps running
 * workflows while a batch reaches the disk.
 *
 * The main thread has created and migrated the file before starting this thread.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { StoreWrite as Write } from '../store-write.js';
import type { ResolvedSqliteStoreOptions } from './sqlite-options.js';
import type { WriterReply, WriterRequest } from './sqlite-writer.js';
import {
  describeFailure,
  prepareWrites,
  type WriteFailure,
  type WriteOperations,
  type WriteResult,
} from './sqlite-writes.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread must run in a worker thread');

const options = workerData as ResolvedSqliteStoreOptions;
let db: Database.Database | undefined;
let operations: WriteOperations | undefined;
let openFailure: WriteFailure | undefined;
try {
  db = new Database(options.path, { timeout: options.busyTimeoutMs });
  db.pragma(`synchronous = ${options.synchronous}`);
  operations = prepareWrites(db);
} catch (error) {
  db?.close();
  openFailure = describeFailure(error);
}

// Requests that queued while the last ones were applied are served together: consecutive
// batches merge into one transaction (one fsync), so a burst of small batches costs one commit.
port.on('message', (first: WriterRequest) => {
  const requests = [first];
  for (let next = receiveMessageOnPort(port); next; next = receiveMessageOnPort(port)) {
    requests.push(next.message as WriterRequest);
  }
  for (let i = 0; i < requests.length; ) {
    const request = requests[i] as WriterRequest;
    if (request.op === 'close') {
      db?.close();
      port.close();
      return;
    }
    if (request.op !== 'applyBatch') {
      const { op, args } = request;
      serve(request.id, (ops) => (ops[op] as (...a: unknown[]) => unknown)(...args));
      i++;
      continue;
    }
    let end = i + 1;
    while (end < requests.length && requests[end]?.op === 'applyBatch') end++;
    applyMerged(requests.slice(i, end) as BatchRequest[]);
    i = end;
  }
});

type BatchRequest = { id: number; op: 'applyBatch'; args: [Write[]] };

function applyMerged(requests: BatchRequest[]): void {
  if (requests.length === 1) {
    const [request] = requests as [BatchRequest];
    serve(request.id, (ops) => ops.applyBatch(request.args[0]));
    return;
  }
  const merged = requests.flatMap((request) => request.args[0]);
  let results: WriteResult[] | undefined;
  let failure: WriteFailure | undefined;
  try {
    results = operations ? operations.applyBatch(merged) : undefined;
    failure = results ? undefined : openFailure;
  } catch (error) {
    failure = describeFailure(error);
  }
  let offset = 0;
  for (const request of requests) {
    const count = request.args[0].length;
    const reply: WriterReply = results
      ? { id: request.id, result: results.slice(offset, offset + count) }
      : { id: request.id, failure: failure as WriteFailure };
    offset += count;
    port?.postMessage(reply);
  }
}

function serve(id: number, operation: (ops: WriteOperations) => unknown): void {
  let reply: WriterReply;
  if (!operations) reply = { id, failure: openFailure as WriteFailure };
  else {
    try {
      reply = { id, result: operation(operations) };
    } catch (error) {
      reply = { id, failure: describeFailure(error) };
    }
  }
  port?.postMessage(reply);
}
