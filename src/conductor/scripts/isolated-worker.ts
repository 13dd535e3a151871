/**
 * A worker thread that runs untrusted work one job at a time and can be stopped: the hard time
 * limit behind the script sandbox and the jq transform. An engine compiled to WebAssembly runs
 * synchronously; on the main thread a runaway job would hold the whole process (the engine's
 * timers, leases and every other run) until it ends, and QuickJS's own interrupt handler is only
 * polled every 10,000 loop iterations, which a loop of slow built-in calls stretches to seconds.
 * Here the job runs on its own thread, and a job not answered in time has its thread terminated;
 * the next job gets a fresh thread.
 *
 * Contract: the thread's entry (a file next to this one) loads its engine, posts `{ ready: true }`,
 * then answers each job message with exactly one reply message. A reply with `retire: true` (its
 * engine broke down) has the thread terminated and the next job sent to a new one. Jobs queue in
 * order; one is in flight.
 */
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { ConfigError } from '../../core/errors.js';
import { spawnModuleWorker } from '../../core/worker-thread.js';

export type WorkerOutcome<Reply> =
  | { type: 'reply'; reply: Reply }
  /** The job was not answered within its time limit; its thread was terminated. */
  | { type: 'timeout' }
  /** The thread died before it answered (or could not start); `detail` says why. */
  | { type: 'crashed'; detail: string };

export interface IsolatedWorkerOptions {
  /** The thread's entry file next to this one, without extension: `javascript-thread`. */
  entry: string;
  /** Given to the thread as `workerData`. */
  workerData?: unknown;
  resourceLimits?: ResourceLimits;
  /** Names the worker in errors: `the script sandbox`. */
  description: string;
}

interface Pending<Job, Reply> {
  job: Job;
  timeoutMs: number;
  resolve: (outcome: WorkerOutcome<Reply>) => void;
}

/** What every reply may say besides its own fields. */
export interface ThreadReply {
  /** The thread must not be used again. */
  retire?: boolean;
}

export class IsolatedWorker<Job, Reply extends ThreadReply> {
  readonly #options: IsolatedWorkerOptions;
  readonly #queue: Pending<Job, Reply>[] = [];
  #worker: Worker | undefined;
  #ready = false;
  #inFlight: { pending: Pending<Job, Reply>; timer: NodeJS.Timeout } | undefined;
  #closed = false;

  constructor(options: IsolatedWorkerOptions) {
    this.#options = options;
  }

  /** Runs one job; resolves with its reply, or how it failed (never rejects unless closed). */
  run(job: Job, timeoutMs: number): Promise<WorkerOutcome<Reply>> {
    if (this.#closed) return Promise.reject(new ConfigError(`${this.#options.description} is closed`));
    return new Promise((resolve) => {
      this.#queue.push({ job, timeoutMs, resolve });
      this.#pump();
    });
  }

  /** Stops the thread; jobs not yet answered resolve as crashed. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#discard('the worker was closed');
    for (const pending of this.#queue.splice(0)) pending.resolve({ type: 'crashed', detail: 'the worker was closed' });
    await worker?.terminate();
  }

  #pump(): void {
    if (this.#closed) return;
    if (this.#worker === undefined) {
      if (this.#queue.length > 0) this.#start();
      return;
    }
    if (!this.#ready || this.#inFlight !== undefined) return;
    const pending = this.#queue.shift();
    if (pending === undefined) {
      this.#worker.unref(); // an idle thread does not keep the process alive
      return;
    }
    this.#worker.ref();
    const worker = this.#worker;
    const timer = setTimeout(() => {
      if (this.#worker !== worker) return;
      this.#discard(undefined);
      void worker.terminate();
      pending.resolve({ type: 'timeout' });
      this.#pump();
    }, pending.timeoutMs);
    this.#inFlight = { pending, timer };
    worker.postMessage(pending.job);
  }

  #start(): void {
    const worker = spawnThread(this.#options);
    this.#worker = worker;
    this.#ready = false;
    // The thread's own output (an engine that prints when it aborts) is not the host's to show.
    worker.stdout.resume();
    worker.stderr.resume();
    worker.on('message', (message: Reply | { ready: true }) => {
      if (this.#worker !== worker) return;
      if (!this.#ready) {
        this.#ready = true;
        this.#pump();
        return;
      }
      const inFlight = this.#inFlight;
      if (inFlight === undefined) return;
      const reply = message as Reply;
      if (reply.retire === true) {
        this.#discard(undefined);
        void worker.terminate();
      }
      clearTimeout(inFlight.timer);
      this.#inFlight = undefined;
      inFlight.pending.resolve({ type: 'reply', reply });
      this.#pump();
    });
    let failure = 'the thread stopped';
    worker.on('error', (error) => {
      failure = error.message;
    });
    worker.on('exit', () => {
      if (this.#worker !== worker) return;
      const startedUp = this.#ready;
      this.#discard(failure);
      // A thread that cannot even start would fail every job the same way: report, do not loop.
      if (!startedUp)
        for (const pending of this.#queue.splice(0)) pending.resolve({ type: 'crashed', detail: failure });
      this.#pump();
    });
  }

  /** Forgets the current thread; the job in flight, if any, resolves as crashed with `detail`. */
  #discard(detail: string | undefined): void {
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    this.#worker = undefined;
    this.#ready = false;
    if (inFlight === undefined) return;
    clearTimeout(inFlight.timer);
    if (detail !== undefined) inFlight.pending.resolve({ type: 'crashed', detail });
  }
}

function spawnThread(options: IsolatedWorkerOptions): Worker {
  return spawnModuleWorker(import.meta.url, options.entry, {
    workerData: options.workerData,
    resourceLimits: options.resourceLimits,
    stdout: true,
    stderr: true,
  });
}
