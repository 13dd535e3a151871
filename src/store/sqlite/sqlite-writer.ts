/**
 * Where the SQLite store's writes run: two writers of one shape.
 *
 * - 'thread' (the default for files): a worker thread owns a second connection and applies the
 *   batches. The engine's thread only posts a batch and carries on, so statement work and the
 *   fsync overlap with running workflows on another core. Started on the first write, so a store
 *   opened only to read (the CLI) never starts it; it holds the process open only while a write
 *   is pending.
 * - 'inline': the batches run on the caller's thread (no thread to start; ':memory:' databases,
 *   which a second connection cannot see, and environments without worker threads).
 *
 * Both run the same operations (sqlite-writes.ts) and report failures the same way.
 */
import type { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { StoreUnavailableError, type TuttiError } from '../../core/errors.js';
import { spawnModuleWorker } from '../../core/worker-thread.js';
import { type StoreWrite as Write, writeWeight } from '../store-write.js';
import type { ResolvedSqliteStoreOptions } from './sqlite-options.js';
import {
  describeFailure,
  prepareWrites,
  rebuildFailure,
  type WriteFailure,
  type WriteOperations,
} from './sqlite-writes.js';

type Operation = keyof WriteOperations;
type Args<K extends Operation> = Parameters<WriteOperations[K]>;
type Result<K extends Operation> = ReturnType<WriteOperations[K]>;

export interface SqliteWriter {
  call<K extends Operation>(op: K, ...args: Args<K>): Promise<Result<K>>;
  /** Waits for calls in progress, then releases the writer's connection. */
  close(): Promise<void>;
}

/** Messages between the store and its writer thread. */
export type WriterRequest = { id: number; op: Operation; args: unknown[] } | { id: number; op: 'close' };
export type WriterReply = { id: number; result: unknown } | { id: number; failure: WriteFailure };

/** Turns a driver error into the store's error for it (naming the file and the fix). */
export type Translate = (driverError: Error) => TuttiError;

export function inlineWriter(db: Database.Database, translate: Translate): SqliteWriter {
  const operations = prepareWrites(db);
  return {
    call(op, ...args) {
      try {
        const operation = operations[op] as (...a: unknown[]) => Result<typeof op>;
        return Promise.resolve(operation(...args));
      } catch (error) {
        return Promise.reject(rebuildFailure(describeFailure(error), translate));
      }
    },
    close: () => Promise.resolve(),
  };
}

export function threadWriter(options: ResolvedSqliteStoreOptions, translate: Translate): SqliteWriter {
  return new ThreadWriter(options, translate);
}

/**
 * Small batches while the thread is idle run inline: a lone commit then skips the two thread
 * hops (~0.1 ms here, a third of an fsync), which is what sequential latency pays. Under load a
 * batch is in flight or large, and the thread takes it. Acknowledgements of deliveries always go
 * to the thread: nobody waits on them, and a bus acknowledges often, so inline they would keep
 * this thread in fsyncs while it should deliver. Order holds: a batch runs inline only when
 * every batch before it has landed.
 */
export function adaptiveWriter(inline: SqliteWriter, thread: SqliteWriter, inlineMaxBatch: number): SqliteWriter {
  let inFlight = 0;
  const landed = () => {
    inFlight--;
  };
  return {
    call(op, ...args) {
      const small = op !== 'applyBatch' || inlineable(args[0] as readonly Write[], inlineMaxBatch);
      if (inFlight === 0 && small) return inline.call(op, ...args);
      inFlight++;
      const result = thread.call(op, ...args);
      result.then(landed, landed);
      return result;
    },
    close: () => thread.close(),
  };
}

interface Pending {
  resolve: (result: any) => void;
  reject: (error: unknown) => void;
}

class ThreadWriter implements SqliteWriter {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private stopped: TuttiError | undefined;
  private exited: Promise<void> | undefined;

  constructor(
    private readonly options: ResolvedSqliteStoreOptions,
    private readonly translate: Translate,
  ) {}

  call<K extends Operation>(op: K, ...args: Args<K>): Promise<Result<K>> {
    if (this.stopped) return Promise.reject(this.stopped);
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Result<K>>((resolve, reject) => {
      // Held open only while a write is pending: an idle store must not keep the process alive.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, args } satisfies WriterRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker || !this.exited) return;
    worker.ref();
    worker.postMessage({ id: -1, op: 'close' } satisfies WriterRequest);
    await this.exited;
  }

  private start(): Worker {
    const worker = spawnWriterThread(this.options);
    this.worker = worker;
    worker.unref();
    worker.on('message', (reply: WriterReply) => this.settle(reply));
    worker.on('error', (error) => this.stop(error));
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.stop(new Error('the writer thread exited'));
        resolve();
      }),
    );
    return worker;
  }

  private settle(reply: WriterReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if ('failure' in reply) waiting.reject(rebuildFailure(reply.failure, this.translate));
    else waiting.resolve(reply.result);
  }

  /** The thread failed or ended: pending and later writes fail with the reason. */
  private stop(reason: Error): void {
    this.stopped ??= new StoreUnavailableError(
      `sqlite store: '${this.options.path}': the writer thread stopped (${reason.message}); close the store and open it again`,
      { cause: reason },
    );
    for (const waiting of this.pending.values()) waiting.reject(this.stopped);
    this.pending.clear();
  }
}

/** Whether a batch may run inline: at most `maxRows` rows (about), and no delivery commit. */
function inlineable(batch: readonly Write[], maxRows: number): boolean {
  let count = 0;
  for (const write of batch) {
    if (write.type === 'deliveries') return false;
    count += writeWeight(write);
  }
  return count <= maxRows;
}

function spawnWriterThread(options: ResolvedSqliteStoreOptions): Worker {
  return spawnModuleWorker(import.meta.url, 'sqlite-writer-thread', { workerData: options });
}
