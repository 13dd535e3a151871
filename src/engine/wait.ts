/** Waiting primitives that give up when a run's signal aborts (cancellation, shutdown). */

/** Resolves at `fireAt` (epoch ms), or rejects with the signal's reason when it aborts first. */
export function waitUntil(fireAt: number, signal: AbortSignal | undefined, clock: () => number): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    // setTimeout overflows past 2^31-1 ms (~24.8 days): long sleeps re-arm in chunks.
    const arm = () => {
      const remaining = fireAt - clock();
      if (remaining <= 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.min(remaining, 2_147_483_647));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

/** Settles like `promise`, or rejects with the signal's reason when it aborts first. */
export function abortable<T>(promise: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
