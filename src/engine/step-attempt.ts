/**
 * One attempt of a step in this process: takes a slot of the service's concurrency limit (no
 * polling: a free slot runs the step at once), runs the function with an AbortSignal, and turns
 * a timeout or a cancellation into a rejection. A step that ignores its signal keeps running in
 * the background after a timeout, but its slot is given back and its late result is dropped.
 */
import { StepTimeoutError } from '../core/errors.js';
import type { StepContext, StepFunction } from '../core/types.js';
import type { Limiter } from './limiter.js';
import { abortable } from './wait.js';

export type AttemptResult = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface AttemptRequest {
  limiter: Limiter;
  fn: StepFunction;
  input: unknown;
  stepName: string;
  timeoutMs: number | undefined;
  /** The run's signal (cancellation, shutdown); none for compensations, which must finish. */
  runSignal: AbortSignal | undefined;
  ctx: Omit<StepContext, 'signal'>;
}

export async function attemptStep(request: AttemptRequest): Promise<AttemptResult> {
  const { limiter, runSignal } = request;
  if (!limiter.tryAcquire()) {
    try {
      await acquireSlot(limiter, runSignal);
    } catch (error) {
      return { ok: false, error };
    }
  }
  const controller = new AbortController();
  const onRunAbort = () => controller.abort(runSignal?.reason);
  let timer: NodeJS.Timeout | undefined;
  try {
    if (runSignal?.aborted) return { ok: false, error: runSignal.reason };
    runSignal?.addEventListener('abort', onRunAbort, { once: true });
    if (request.timeoutMs !== undefined) {
      const timeout = new StepTimeoutError(request.stepName, request.timeoutMs);
      timer = setTimeout(() => controller.abort(timeout), request.timeoutMs);
    }
    const value = request.fn(request.input, { ...request.ctx, signal: controller.signal });
    if (!isThenable(value)) return { ok: true, value };
    return { ok: true, value: await abortable(value, controller.signal) };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
    runSignal?.removeEventListener('abort', onRunAbort);
    limiter.release();
  }
}

function acquireSlot(limiter: Limiter, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const granted = () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      limiter.forget(granted);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    limiter.waitFor(granted);
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
