/**
 * Rate limiting: a token bucket per API token (per client address for a request without one),
 * in this process. A bucket holds up to `burst` requests and refills at `perSecond`; a request
 * takes one, or is answered 429 with `Retry-After` when the bucket is empty. Several server
 * processes each apply the limit on their own.
 *
 * Hand-written: hono ships no rate limiter, and the packages that add one are fixed or sliding
 * windows with pluggable stores; a token bucket in memory is a few lines and allows the bursts
 * that clients retrying or fanning out make, which a window cuts off.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { ConfigError, RateLimitedError } from '../core/errors.js';
// For its declaration of the context's `tokenId`.
import type {} from './auth.js';

export interface RateLimitOptions {
  /** Requests per second a token may make, sustained. @default 100 */
  perSecond?: number;
  /** Requests a token may make at once, after a pause. @default 200 */
  burst?: number;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

interface Bucket {
  /** Requests left, fractional while refilling. */
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

/**
 * Middleware that limits requests per token; put it after requireToken, which sets the token id.
 * @example
 * app.use('/v1/*', requireToken({ store }), rateLimit({ perSecond: 50, burst: 100 }));
 */
export function rateLimit(options: RateLimitOptions = {}): MiddlewareHandler {
  const perSecond = options.perSecond ?? 100;
  const burst = options.burst ?? 200;
  const now = options.now ?? Date.now;
  if (!(perSecond > 0)) throw new ConfigError(`rateLimit: perSecond (${perSecond}) must be a number above 0`);
  if (!(burst >= 1)) throw new ConfigError(`rateLimit: burst (${burst}) must be a number of at least 1`);
  const perMs = perSecond / 1000;
  // The time an empty bucket takes to fill up again.
  const refillMs = burst / perMs;
  const buckets = new Map<string, Bucket>();
  let sweptAt = now();

  // A full bucket is the same as no bucket, so buckets that have filled up are forgotten. The
  // sweep runs at most once per refillMs, on a request (no timer to keep the process alive), and
  // drops every bucket idle for refillMs, which must be full by then: the map holds only the keys
  // seen in the last two refill periods (4 s with the defaults), and each sweep costs O(those).
  const sweep = (time: number) => {
    if (time - sweptAt < refillMs) return;
    sweptAt = time;
    for (const [key, bucket] of buckets) if (time - bucket.at >= refillMs) buckets.delete(key);
  };

  return async (c, next) => {
    const time = now();
    sweep(time);
    const key = (c.get('tokenId') as string | undefined) ?? `address:${clientAddress(c)}`;
    const bucket = buckets.get(key) ?? { tokens: burst, at: time };
    bucket.tokens = Math.min(burst, bucket.tokens + (time - bucket.at) * perMs);
    bucket.at = time;
    buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfterMs = Math.ceil((1 - bucket.tokens) / perMs);
      // Thrown, so that the app answers in the shape of the API asked (native or Conductor's).
      throw new RateLimitedError(retryAfterMs, { perSecond, burst });
    }
    bucket.tokens -= 1;
    await next();
  };
}

/** The peer's address on @hono/node-server; 'unknown' elsewhere (app.request in tests), one shared bucket. */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
