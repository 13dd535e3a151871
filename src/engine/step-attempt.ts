/**
 * One attempt of a step in this process: takes a slot of the service's concurrency limit (no
 * polling: a free slot runs the step at once), runs the function, and turns a timeout or a
 * cancellation into a rejection. The step's AbortSignal is created only if the step reads
 * `ctx.signal` (most do not, and an AbortController per attempt is measurable garbage). A step
 * that ignores its signal keeps running in the background after a timeout, but its slot is
 * given back and its late result is dropped.
 */
import { StepTimeoutError } from '../core/errors.js';
import type { StepContext, StepFunction } from '../core/types.js';
import type { Cancellation } from './cancellation.js';
import type { Limiter } from './limiter.js';

export type AttemptResult = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface AttemptRequest {
  limiter: Limiter;
  fn: StepFunction;
  input: unknown;
  timeoutMs: number | undefined;
  /** The run's cancellation; none for compensations, which must finish. */
  cancellation: Cancellation | undefined;
  runId: string;
  step: string;
  attempt: number;
  idempotencyKey: string;
}

/** A step's idempotency key: the same for every attempt and replay of the call at `position`. */
export function idempotencyKey(runId: string, position: number): string {
  return `${runId}:${position}`;
}

export async function attemptStep(request: AttemptRequest): Promise<AttemptResult> {
  const { limiter, cancellation } = request;
  if (!limiter.tryAcquire()) {
    try {
      await acquireSlot(limiter, cancellation);
    } catch (error) {
      return { ok: false, error };
    }
  }
  let aborted = false;
  let abortReason: unknown;
  let controller: AbortController | undefined;
  let fail: ((reason: unknown) => void) | undefined;
  const abort = (reason: unknown) => {
    if (aborted) return;
    aborted = true;
    abortReason = reason;
    controller?.abort(reason);
    fail?.(reason);
  };
  const ctx: StepContext = {
    runId: request.runId,
    step: request.step,
    attempt: request.attempt,
    idempotencyKey: request.idempotencyKey,
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (aborted) controller.abort(abortReason);
      }
      return controller.signal;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    if (cancellation?.aborted) return { ok: false, error: cancellation.reason };
    cancellation?.add(abort);
    if (request.timeoutMs !== undefined) {
      const timeout = new StepTimeoutError(request.step, request.timeoutMs);
      timer = setTimeout(() => abort(timeout), request.timeoutMs);
    }
    const value = request.fn(request.input, ctx);
    if (!isThenable(value)) return { ok: true, value };
    const settled = await new Promise((resolve, reject) => {
      fail = reject;
      value.then(resolve, reject);
    });
    return { ok: true, value: settled };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
    cancellation?.remove(abort);
    limiter.release();
  }
}

function acquireSlot(limiter: Limiter, cancellation: Cancellation | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (reason: unknown) => {
      limiter.forget(granted);
      reject(reason);
    };
    const granted = () => {
      cancellation?.remove(onAbort);
      resolve();
    };
    cancellation?.add(onAbort);
    limiter.waitFor(granted);
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
