/**
 * One claimed task on a worker, from its arrival to its report: the lease kept alive by
 * heartbeats, the step run with the task's input, the outcome reported. Every request about the
 * task, and the step's `ctx.signal`, share one abort: once the task is given up (its lease lost,
 * the worker stopping past its drain time), nothing more is sent about it and its result is
 * dropped; the server hands it to another worker when the lease runs out. A task that waits for a
 * slot when the worker stops is handed back instead (released): it goes to another worker at once.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { describe } from '../core/errors.js';
import { childLogger, type Logger } from '../core/logger.js';
import { backoffDelay, DEFAULT_RETRY, isRetryable, type RetryPolicy } from '../core/retry-policy.js';
import { encode } from '../core/serialize.js';
import type { StepContext } from '../core/types.js';
import type { ServiceMeta } from '../engine/service.js';
import type { RemoteFailure } from '../engine/task-queue.js';
import { TuttiHttpError } from './errors.js';
import type { Http } from './http.js';

/** A claimed task as the worker protocol sends it (the server's tasks-api.ts `taskJson`). */
export interface WireTask {
  id: string;
  queue: string;
  /** The step's name in its service. */
  step: string;
  runId: string;
  attempt: number;
  input: unknown;
  idempotencyKey: string;
  leaseExpiresAt: number;
}

export interface TaskRunEnv {
  http: Http;
  workerId: string;
  leaseMs: number;
  service: ServiceMeta;
  logger: Logger;
  /** Waits for a free slot of the service (rejects when `signal` aborts); resolves with its release. */
  acquire(signal: AbortSignal): Promise<() => void>;
  /** The server refuses this worker for good (a 401): the worker stops. */
  fatal(error: TuttiHttpError): void;
}

type Outcome = { ok: true; output: unknown } | { ok: false; error: RemoteFailure };

/** Tries of one report when the server does not answer; then the lease runs out and the task comes back. */
const REPORT_TRIES = 3;
const REPORT_BACKOFF: RetryPolicy = { ...DEFAULT_RETRY, initialIntervalMs: 200, maxIntervalMs: 2_000 };
/** A stopping worker waits this long for the server to take a task back; then the lease will do. */
const RELEASE_TIMEOUT_MS = 2_000;

export class TaskRun {
  /** Settles (never rejects) once the task is reported or given up. */
  readonly done: Promise<void>;
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private heartbeat: NodeJS.Timeout | undefined;
  private finished = false;
  private started = false;
  private givenBack = false;

  constructor(
    private readonly task: WireTask,
    private readonly env: TaskRunEnv,
  ) {
    this.logger = childLogger(env.logger, {
      taskId: task.id,
      step: `${env.service.name}.${task.step}`,
      runId: task.runId,
      attempt: task.attempt,
    });
    this.done = this.run();
  }

  /** Gives the task up: aborts the step with `reason`, sends nothing more about it. */
  abandon(reason: unknown): void {
    if (!this.abort.signal.aborted) this.abort.abort(reason);
  }

  /**
   * The worker stops: if the step has not started (the task waits for a slot), it never will, and
   * the task is released to the server (best effort) before `done` settles. False when the step
   * is under way, or the task was given up already.
   */
  handBack(): boolean {
    if (this.started || this.signal.aborted) return false;
    this.givenBack = true;
    this.abort.abort(
      new DOMException('the worker stopped before the step started; the task is handed back', 'AbortError'),
    );
    return true;
  }

  /** True once the task was handed back unstarted. */
  get handedBack(): boolean {
    return this.givenBack;
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private async run(): Promise<void> {
    this.logger.debug('task received');
    this.scheduleHeartbeat();
    try {
      const release = await this.slot();
      if (!release) return await this.giveBack();
      try {
        const outcome = await this.execute();
        if (outcome && !this.signal.aborted) await this.report(outcome);
      } finally {
        release();
      }
    } catch (error) {
      // An abort was logged where it was decided; anything else is a defect of this file.
      if (!this.signal.aborted) this.logger.error('the task failed in the worker itself', { error });
    } finally {
      this.finished = true;
      clearTimeout(this.heartbeat);
    }
  }

  /**
   * Waits for a slot of the service and marks the step started; undefined when the task was
   * handed back meanwhile (a slot taken at that moment is freed at once).
   */
  private async slot(): Promise<(() => void) | undefined> {
    try {
      const freeSlot = await this.env.acquire(this.signal);
      if (!this.givenBack) {
        this.started = true;
        return freeSlot;
      }
      freeSlot();
    } catch (error) {
      if (!this.givenBack) throw error;
    }
    return undefined;
  }

  /**
   * Hands the unstarted task back so that another worker may claim it now. Best effort: when the
   * server cannot be told (no answer, or the lease is gone already) the lease runs out as before.
   */
  private async giveBack(): Promise<void> {
    try {
      await this.env.http.json({
        method: 'POST',
        path: `/v1/tasks/${encodeURIComponent(this.task.id)}/release`,
        body: { workerId: this.env.workerId },
        signal: AbortSignal.timeout(RELEASE_TIMEOUT_MS),
      });
      this.logger.debug('handed back unstarted: another worker may claim it now');
    } catch (error) {
      this.logger.debug('could not hand the task back; another worker gets it when its lease runs out', { error });
    }
  }

  /** The step's outcome; undefined when the task was given up while it ran (nothing to report). */
  private async execute(): Promise<Outcome | undefined> {
    const { service } = this.env;
    const ref = service.steps.get(this.task.step);
    if (!ref) {
      const known = [...service.steps.keys()].map((s) => `'${s}'`).join(', ');
      const message =
        `service '${service.name}' on worker '${this.env.workerId}' has no step '${this.task.step}' (its steps: ${known}); ` +
        `add it to the worker's defineService('${service.name}', …), or fix the step names the server declares`;
      this.logger.error(message);
      return { ok: false, error: { message, code: 'UNKNOWN_STEP', retryable: false } };
    }
    const ctx: StepContext = {
      runId: this.task.runId,
      step: ref.name,
      attempt: this.task.attempt,
      idempotencyKey: this.task.idempotencyKey,
      signal: this.signal,
    };
    this.logger.debug('step started');
    try {
      // Raced with the abort: a step that ignores its signal cannot hold up a stopping worker.
      const value = await untilAborted(
        Promise.resolve().then(() => ref.fn(this.task.input, ctx)),
        this.signal,
      );
      const { value: output } = encode(value, `the output of step '${ref.name}'`);
      return { ok: true, output: output ?? null };
    } catch (thrown) {
      if (this.signal.aborted) return undefined;
      const error = thrown as { code?: unknown } | null;
      return {
        ok: false,
        error: {
          message: describe(thrown) || `step '${ref.name}' threw ${String(thrown)} without a message`,
          code: typeof error?.code === 'string' ? error.code : undefined,
          // false for NonRetryableError, and for any error that says `retryable: false`.
          retryable: isRetryable(DEFAULT_RETRY, thrown),
        },
      };
    }
  }

  private scheduleHeartbeat(): void {
    this.heartbeat = setTimeout(() => void this.beat(), Math.floor(this.env.leaseMs / 3));
  }

  private async beat(): Promise<void> {
    try {
      await this.env.http.json({
        method: 'POST',
        path: `/v1/tasks/${encodeURIComponent(this.task.id)}/heartbeat`,
        body: { workerId: this.env.workerId, leaseMs: this.env.leaseMs },
        signal: this.signal,
      });
    } catch (error) {
      if (this.signal.aborted) return;
      if (!(error instanceof TuttiHttpError) || error.retryable) {
        // The lease has two more thirds to run: the next heartbeat may get through.
        this.logger.warn('heartbeat failed; trying again', { error });
      } else if (error.status === 401) {
        this.env.fatal(error);
        return;
      } else {
        this.logger.warn(
          'lost the lease (another worker may hold the task now): the step is aborted, its result dropped',
          {
            error,
          },
        );
        this.abandon(error);
        return;
      }
    }
    if (!this.finished) this.scheduleHeartbeat();
  }

  private async report(first: Outcome): Promise<void> {
    let outcome = first;
    for (let tries = 1; ; tries++) {
      try {
        await this.env.http.json({
          method: 'POST',
          path: `/v1/tasks/${encodeURIComponent(this.task.id)}/${outcome.ok ? 'complete' : 'fail'}`,
          body: outcome.ok
            ? { workerId: this.env.workerId, output: outcome.output }
            : { workerId: this.env.workerId, error: outcome.error },
          signal: this.signal,
        });
        this.logger.debug(outcome.ok ? 'step completed' : 'step failed', outcome.ok ? {} : { error: outcome.error });
        return;
      } catch (error) {
        if (this.signal.aborted) return;
        if (!(error instanceof TuttiHttpError)) throw error;
        if (error.status === 401) return this.env.fatal(error);
        if (error.status === 404 || error.status === 409) {
          this.logger.warn('result dropped: the server has moved on from this task (lease lost or task withdrawn)', {
            error,
          });
          return;
        }
        if (outcome.ok && error.status === 413) {
          // The output itself is refused: sent again it would be refused again, and the task
          // would come back forever. Fail the attempt instead, saying why.
          outcome = { ok: false, error: { message: error.message, code: error.code, retryable: false } };
          continue;
        }
        if (!error.retryable || tries >= REPORT_TRIES) {
          this.logger.error('could not report the outcome; the lease will run out and the task be redelivered', {
            error,
          });
          return;
        }
        this.logger.warn('report failed; trying again', { error });
        await delay(error.retryAfterMs ?? backoffDelay(REPORT_BACKOFF, tries + 1, Math.random()), undefined, {
          signal: this.signal,
        });
      }
    }
  }
}

/** Settles like `promise`, or rejects with the signal's reason when it aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
