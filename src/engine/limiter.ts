/**
 * A counting semaphore: at most `limit` holders at once, waiters served in arrival order.
 * `tryAcquire` lets the common case (a free slot) proceed without allocating a promise.
 */
export class Limiter {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {}

  tryAcquire(): boolean {
    if (this.active >= this.limit) return false;
    this.active++;
    return true;
  }

  /** Queues `granted` to be called when a slot frees up (call after tryAcquire failed). */
  waitFor(granted: () => void): void {
    this.waiters.push(granted);
  }

  /** Gives up a waiting slot request (the run was cancelled while queued). */
  forget(waiter: () => void): void {
    const i = this.waiters.indexOf(waiter);
    if (i !== -1) this.waiters.splice(i, 1);
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }
}
