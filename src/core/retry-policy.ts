/**
 * Retry policy: exponential (or linear) backoff with jitter, bounded by a maximum delay and attempts.
 *
 * Jitter spreads the retries of many runs that failed together (a dependency restarting) so they
 * do not hammer it in lock-step. The random source is injected so a run's delays are reproducible.
 */
import { type Duration, toMs } from './duration.js';
import { ConfigError } from './errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included. 1 disables retries. @default 3 */
  maxAttempts?: number;
  /** Delay before the second attempt. @default '100ms' */
  initialInterval?: Duration;
  /** Growth of the delay per attempt. @default 2 */
  backoffCoefficient?: number;
  /**
   * 'exponential': the delay is multiplied by `backoffCoefficient` per retry; 'linear': the n-th
   * retry waits n × `initialInterval` (Conductor's LINEAR_BACKOFF), and `backoffCoefficient` is unused.
   * @default 'exponential'
   */
  backoff?: 'exponential' | 'linear';
  /** Cap on one delay. @default '30s' */
  maxInterval?: Duration;
  /** Fraction of each delay that is randomised (0 = none, 1 = full jitter). @default 0.2 */
  jitter?: number;
  /** Error `name`s or `code`s that must not be retried (besides NonRetryableError). @default [] */
  nonRetryable?: string[];
}

export interface RetryPolicy {
  maxAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  backoff: 'exponential' | 'linear';
  maxIntervalMs: number;
  jitter: number;
  nonRetryable: readonly string[];
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  initialIntervalMs: 100,
  backoffCoefficient: 2,
  backoff: 'exponential',
  maxIntervalMs: 30_000,
  jitter: 0.2,
  nonRetryable: Object.freeze([]) as readonly string[],
});

/** Resolves options over a base policy, validating each field (`where` prefixes messages). */
export function resolveRetry(options: RetryOptions | undefined, base: RetryPolicy, where: string): RetryPolicy {
  if (options === undefined) return base;
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? base.maxAttempts,
    initialIntervalMs:
      options.initialInterval === undefined
        ? base.initialIntervalMs
        : toMs(options.initialInterval, `${where}.retry.initialInterval`),
    backoffCoefficient: options.backoffCoefficient ?? base.backoffCoefficient,
    backoff: options.backoff ?? base.backoff,
    maxIntervalMs:
      options.maxInterval === undefined ? base.maxIntervalMs : toMs(options.maxInterval, `${where}.retry.maxInterval`),
    jitter: options.jitter ?? base.jitter,
    nonRetryable: options.nonRetryable ?? base.nonRetryable,
  };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new ConfigError(`${where}.retry.maxAttempts must be an integer >= 1 (got ${options.maxAttempts})`);
  }
  if (!(policy.backoffCoefficient >= 1)) {
    throw new ConfigError(`${where}.retry.backoffCoefficient must be >= 1 (got ${options.backoffCoefficient})`);
  }
  if (policy.backoff !== 'exponential' && policy.backoff !== 'linear') {
    throw new ConfigError(
      `${where}.retry.backoff must be 'exponential' or 'linear' (got ${JSON.stringify(options.backoff)})`,
    );
  }
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) {
    throw new ConfigError(`${where}.retry.jitter must be between 0 and 1 (got ${options.jitter})`);
  }
  return policy;
}

/** Delay before attempt `nextAttempt` (2 = the first retry), given a random number in [0, 1). */
export function backoffDelay(policy: RetryPolicy, nextAttempt: number, random: number): number {
  const grown =
    policy.backoff === 'linear'
      ? policy.initialIntervalMs * (nextAttempt - 1)
      : policy.initialIntervalMs * policy.backoffCoefficient ** (nextAttempt - 2);
  const capped = Math.min(grown, policy.maxIntervalMs);
  return Math.round(capped * (1 - policy.jitter * random));
}

/** Whether a thrown value may be retried under this policy. */
export function isRetryable(policy: RetryPolicy, thrown: unknown): boolean {
  if (thrown === null || typeof thrown !== 'object') return true;
  const error = thrown as { name?: unknown; code?: unknown; retryable?: unknown };
  // Tutti's own errors (and any error that says so explicitly) state whether a retry can help.
  if (typeof error.retryable === 'boolean' && !error.retryable) return false;
  if (typeof error.name === 'string' && policy.nonRetryable.includes(error.name)) return false;
  if (typeof error.code === 'string' && policy.nonRetryable.includes(error.code)) return false;
  return true;
}
