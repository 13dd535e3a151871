/**
 * A run's cancellation (and shutdown) token. AbortController/EventTarget cost microseconds and
 * garbage per use, which adds up at tens of thousands of steps a second; this plain listener set
 * does the same job. Steps that want a real AbortSignal get one lazily (see step-attempt.ts).
 */
export type AbortListener = (reason: unknown) => void;

export class Cancellation {
  aborted = false;
  reason: unknown;
  private listeners: Set<AbortListener> | undefined;

  /** Calls `listener` once on abort. Remove it with `remove` when no longer interested. */
  add(listener: AbortListener): void {
    this.listeners ??= new Set();
    this.listeners.add(listener);
  }

  remove(listener: AbortListener): void {
    this.listeners?.delete(listener);
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener(reason);
  }
}
