/**
 * A task definition's `concurrentExecLimit` (at most this many executions of the task at once)
 * and `rateLimitPerFrequency` per `rateLimitFrequencyInSeconds` (at most this many start in any
 * such window), applied to an in-process worker: an attempt waits for a slot before it runs.
 *
 * The limits hold per process, for every workflow whose tasks use these workers (Conductor holds
 * them across its cluster, with remote workers polling it; the server issue brings those). The
 * wait for a slot is part of the attempt, so it counts toward the attempt's timeout; a cancelled
 * run stops waiting.
 */
import { ConfigError } from '../../core/errors.js';
import type { StepContext } from '../../core/types.js';
import { Limiter } from '../../engine/limiter.js';
import type { TaskDef } from '../model.js';
import type { TaskWorker } from './workers.js';

/** `worker`, holding to the limits of `taskDef` (unchanged when it sets none). */
export function limitWorker(name: string, worker: TaskWorker, taskDef: TaskDef | undefined): TaskWorker {
  const concurrency = positive(taskDef?.concurrentExecLimit, name, 'concurrentExecLimit');
  const perWindow = positive(taskDef?.rateLimitPerFrequency, name, 'rateLimitPerFrequency');
  const windowSeconds = positive(taskDef?.rateLimitFrequencyInSeconds, name, 'rateLimitFrequencyInSeconds') ?? 1;
  if (concurrency === undefined && perWindow === undefined) return worker;
  const limiter = concurrency === undefined ? undefined : new Limiter(concurrency);
  const rate = perWindow === undefined ? undefined : new RateWindow(perWindow, windowSeconds * 1000);
  return async (input, ctx) => {
    if (limiter) await acquire(limiter, ctx);
    try {
      if (rate) await rate.admit(ctx.signal);
      return await worker(input, ctx);
    } finally {
      limiter?.release();
    }
  };
}

/** 0 and absent mean no limit, as in Conductor. */
function positive(value: number | undefined, task: string, field: string): number | undefined {
  if (value === undefined || value === 0) return undefined;
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`task definition '${task}': ${field} must be a whole number (0 for no limit), got ${value}`);
  }
  return value;
}

function acquire(limiter: Limiter, ctx: StepContext): Promise<void> {
  if (limiter.tryAcquire()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const granted = () => {
      ctx.signal.removeEventListener('abort', aborted);
      resolve();
    };
    const aborted = () => {
      limiter.forget(granted);
      reject(ctx.signal.reason);
    };
    ctx.signal.addEventListener('abort', aborted, { once: true });
    limiter.waitFor(granted);
  });
}

/** At most `limit` admissions in any `windowMs`: a sliding window over the latest admissions. */
class RateWindow {
  private readonly admitted: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  async admit(signal: AbortSignal): Promise<void> {
    for (;;) {
      signal.throwIfAborted();
      const now = Date.now();
      while (this.admitted.length > 0 && (this.admitted[0] as number) <= now - this.windowMs) this.admitted.shift();
      if (this.admitted.length < this.limit) {
        this.admitted.push(now);
        return;
      }
      await pause((this.admitted[0] as number) + this.windowMs - now, signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    const aborted = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', aborted, { once: true });
  });
}
