/**
 * The tasks of one served service: a claim loop on its queue (the service's name) over the
 * chosen transport, the slots that bound how many of its steps run at once, and the tasks under
 * way. Claiming reconnects with backoff when the server fails or closes the stream; it stops for
 * good when the server refuses the worker (a 4xx: a bad token, a bad request), since asking again
 * would be refused again.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { childLogger, type Logger } from '../core/logger.js';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from '../core/retry-policy.js';
import type { ServiceMeta } from '../engine/service.js';
import { TuttiHttpError } from './errors.js';
import type { Http } from './http.js';
import { readEvents } from './sse.js';
import { TaskRun, type WireTask } from './task-run.js';

export interface QueueLoopEnv {
  http: Http;
  workerId: string;
  transport: 'stream' | 'poll';
  leaseMs: number;
  logger: Logger;
  service: ServiceMeta;
  concurrency: number;
  /** The server refuses this worker for good, after it connected: the worker stops. */
  fatal(error: TuttiHttpError): void;
}

/** A long-poll waits this long for a task (the server's default and the brief's). */
const POLL_WAIT_MS = 20_000;
/** The server sends a keep-alive every 15 s when it has nothing else to send; three missed is a dead stream. */
const STREAM_IDLE_MS = 45_000;
const RECONNECT: RetryPolicy = { ...DEFAULT_RETRY, initialIntervalMs: 250, maxIntervalMs: 10_000, jitter: 0.5 };

export class QueueLoop {
  private readonly runs = new Map<string, TaskRun>();
  private readonly slots: Slots;
  private readonly claiming = new AbortController();
  private readonly logger: Logger;
  private connected = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly env: QueueLoopEnv) {
    this.slots = new Slots(env.concurrency);
    this.logger = childLogger(env.logger, { queue: env.service.name });
  }

  /** Starts claiming; resolves once connected (the stream open, the first poll answered), rejects if that fails. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.loop = this.claimLoop(resolve, reject);
    });
  }

  stopClaiming(): void {
    this.claiming.abort(new DOMException('stop() was called before the worker connected', 'AbortError'));
  }

  /**
   * Hands back the tasks whose steps have not started, waits up to `ms` for the steps under way,
   * then gives them up (call stopClaiming first).
   */
  async drain(ms: number): Promise<void> {
    await this.loop;
    // No task arrives any more. Those waiting for a slot (a stream pushes up to the concurrency
    // even while steps of an earlier stream still run) would start during the drain, or with
    // drainMs past, sit out their leases: released, they go to other workers now.
    const handedBack = [...this.runs.entries()].filter(([, run]) => run.handBack()).map(([id]) => id);
    if (handedBack.length > 0) this.logger.info('handing back the tasks not started', { tasks: handedBack });
    const settled = () => Promise.all([...this.runs.values()].map((run) => run.done));
    const late = new AbortController();
    const timedOut = await Promise.race([
      settled().then(() => false),
      delay(ms, true, { signal: late.signal }).catch(() => false),
    ]);
    late.abort();
    if (!timedOut) return;
    this.logger.warn('drain time is over: aborting the steps still running; their tasks go to other workers', {
      tasks: [...this.runs.entries()].filter(([, run]) => !run.handedBack).map(([id]) => id),
    });
    for (const run of this.runs.values()) {
      run.abandon(
        new DOMException(
          `the worker stopped and the step did not finish within drainMs (${ms} ms); its result is dropped and another worker gets the task once its lease runs out`,
          'AbortError',
        ),
      );
    }
    await settled();
  }

  private async claimLoop(connected: () => void, failed: (error: unknown) => void): Promise<void> {
    const signal = this.claiming.signal;
    let failures = 0;
    const onConnected = () => {
      failures = 0;
      if (!this.connected) {
        this.connected = true;
        connected();
      }
    };
    while (!signal.aborted) {
      try {
        if (this.env.transport === 'stream') {
          await this.stream(onConnected);
          failures++;
          this.logger.info('the server closed the task stream; reconnecting');
        } else {
          await this.poll(onConnected);
        }
      } catch (error) {
        if (signal.aborted) break;
        if (!this.connected) return failed(error);
        if (error instanceof TuttiHttpError && !error.retryable) return this.env.fatal(error);
        failures++;
        this.logger.warn(`claiming tasks failed; trying again (${failures} in a row)`, { error });
      }
      if (failures > 0) {
        const pause = backoffDelay(RECONNECT, failures + 1, Math.random());
        await delay(pause, undefined, { signal }).catch(() => {}); // ends early on stop()
      }
    }
    if (!this.connected) failed(signal.reason);
  }

  private async stream(onConnected: () => void): Promise<void> {
    // Always the service's whole concurrency, not the slots free now: the server counts `max`
    // per connection, so a stream opened while steps of an earlier one still run could never
    // use their slots once they finish (and reconnecting to resize it loses the tasks the
    // server claims for the closing stream until their leases run out). Tasks pushed beyond the
    // free slots wait in the worker, under heartbeat, for a slot.
    const max = this.env.concurrency;
    const query = new URLSearchParams({
      queue: this.env.service.name,
      workerId: this.env.workerId,
      max: String(max),
      leaseMs: String(this.env.leaseMs),
    });
    const response = await this.env.http.open({
      method: 'GET',
      path: `/v1/tasks/stream?${query}`,
      signal: this.claiming.signal,
    });
    onConnected();
    let held = 0;
    if (!response.body) return;
    await readEvents(response.body, {
      idleMs: STREAM_IDLE_MS,
      // A worker holding `max` tasks of this stream hears nothing until it reports one.
      expectsData: () => held < max,
      onEvent: (event) => {
        if (event.event !== 'task') return;
        const run = this.accept(JSON.parse(event.data) as WireTask);
        if (!run) return;
        held++;
        void run.done.then(() => held--);
      },
    });
  }

  private async poll(onConnected: () => void): Promise<void> {
    await this.slots.whenFree(this.claiming.signal);
    const tasks = await this.env.http.json<WireTask[]>({
      method: 'POST',
      path: '/v1/tasks/poll',
      body: {
        queue: this.env.service.name,
        workerId: this.env.workerId,
        max: this.slots.free,
        leaseMs: this.env.leaseMs,
        // The first poll answers at once, so that start() learns soon that the server lets us in.
        waitMs: this.connected ? POLL_WAIT_MS : 0,
      },
      signal: this.claiming.signal,
    });
    onConnected();
    for (const task of tasks) this.accept(task);
  }

  private accept(task: WireTask): TaskRun | undefined {
    if (this.runs.has(task.id)) return undefined; // already ours: a stream that said it twice
    const run = new TaskRun(task, {
      http: this.env.http,
      workerId: this.env.workerId,
      leaseMs: this.env.leaseMs,
      service: this.env.service,
      logger: this.logger,
      acquire: (signal) => this.slots.acquire(signal),
      fatal: this.env.fatal,
    });
    this.runs.set(task.id, run);
    void run.done.then(() => this.runs.delete(task.id));
    return run;
  }
}

/** A counting semaphore whose waits end when their signal aborts. */
class Slots {
  private used = 0;
  private readonly waiting = new Set<() => void>();

  constructor(private readonly capacity: number) {}

  get free(): number {
    return this.capacity - this.used;
  }

  async acquire(signal: AbortSignal): Promise<() => void> {
    // Checked and taken with no await between: two tasks arriving together cannot both take the last slot.
    while (this.used >= this.capacity) await this.released(signal);
    signal.throwIfAborted();
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
      for (const wake of [...this.waiting]) wake();
    };
  }

  async whenFree(signal: AbortSignal): Promise<void> {
    while (this.used >= this.capacity) await this.released(signal);
    signal.throwIfAborted();
  }

  private released(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        this.waiting.delete(wake);
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.waiting.delete(wake);
        reject(signal.reason);
      };
      this.waiting.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
