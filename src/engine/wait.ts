/** Waiting primitives that give up when a run is cancelled or shut down. */
import type { Cancellation } from './cancellation.js';

/** Resolves at `fireAt` (epoch ms), or rejects with the cancellation's reason when it comes first. */
export function waitUntil(fireAt: number, cancellation: Cancellation | undefined, clock: () => number): Promise<void> {
  if (cancellation?.aborted) return Promise.reject(cancellation.reason);
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (reason: unknown) => {
      clearTimeout(timer);
      reject(reason);
    };
    // setTimeout overflows past 2^31-1 ms (~24.8 days): long sleeps re-arm in chunks.
    const arm = () => {
      const remaining = fireAt - clock();
      if (remaining <= 0) {
        cancellation?.remove(onAbort);
        resolve();
        return;
      }
      timer = setTimeout(arm, Math.min(remaining, 2_147_483_647));
    };
    cancellation?.add(onAbort);
    arm();
  });
}

/** Settles like `promise`, or rejects with the cancellation's reason when it comes first. */
export function abortable<T>(promise: PromiseLike<T>, cancellation: Cancellation): Promise<T> {
  if (cancellation.aborted) return Promise.reject(cancellation.reason);
  return new Promise<T>((resolve, reject) => {
    cancellation.add(reject);
    promise.then(
      (value) => {
        cancellation.remove(reject);
        resolve(value);
      },
      (error) => {
        cancellation.remove(reject);
        reject(error);
      },
    );
  });
}
