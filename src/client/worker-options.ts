/**
 * The options of a worker (createWorker) and of each service it serves (serve), with their
 * defaults and the one step that resolves and checks them: a bad value is a ConfigError that
 * names the option, before anything is sent.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConfigError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/logger.js';
import type { ConnectionOptions } from './http.js';

/** The server's bounds on a lease (tasks-api.ts): outside them it refuses the request. */
const LEASE_MS = { min: 1_000, max: 3_600_000 };
/** The server hands out at most this many tasks per poll or stream. */
const MAX_CONCURRENCY = 100;

export interface WorkerOptions extends ConnectionOptions {
  /**
   * Names this process to the server: its leases are held in this name. Unique per process.
   * @default `${hostname}-${pid}-${6 random hex digits}`
   */
  workerId?: string;
  /**
   * How tasks arrive: 'stream' keeps a Server-Sent Events stream open per service and is pushed
   * each task as it is enqueued; 'poll' long-polls (up to 20 s per request), for proxies that
   * buffer or cut streams.
   * @default 'stream'
   */
  transport?: 'stream' | 'poll';
  /**
   * How long the server lets this worker hold a task without news, in ms (1000 to 3600000). The
   * worker heartbeats every third of it while a step runs; a worker that dies loses its tasks to
   * other workers after this long.
   * @default 30000
   */
  leaseMs?: number;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Told of an error that stopped the worker after `start()` resolved: the token was revoked
   * (401), or the server refused the worker's requests for good. Also logged. Before `start()`
   * resolves, such an error rejects it instead.
   * @default none: only the logger hears of it
   */
  onError?: (error: Error) => void;
}

export interface ServeOptions {
  /** Tasks of this service that run at once (1 to 100). @default 10 */
  concurrency?: number;
}

export interface StopOptions {
  /**
   * How long steps under way may take to finish, in ms; then their signals are aborted and their
   * results dropped (their leases run out, and the server hands them to another worker).
   * @default 30000
   */
  drainMs?: number;
}

export interface ResolvedWorkerOptions {
  workerId: string;
  transport: 'stream' | 'poll';
  leaseMs: number;
  logger: Logger;
  onError: ((error: Error) => void) | undefined;
}

export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  const { transport = 'stream', leaseMs = 30_000, logger = silentLogger } = options;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  if (typeof workerId !== 'string' || workerId.trim() === '') {
    throw new ConfigError(`createWorker: workerId must be a non-empty string (got ${JSON.stringify(workerId)})`);
  }
  if (transport !== 'stream' && transport !== 'poll') {
    throw new ConfigError(`createWorker: transport must be 'stream' or 'poll' (got ${JSON.stringify(transport)})`);
  }
  checkWhole(leaseMs, 'createWorker: leaseMs', LEASE_MS.min, LEASE_MS.max, 'the server refuses other leases');
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new ConfigError('createWorker: onError must be a function (error) => void');
  }
  return { workerId, transport, leaseMs, logger, onError: options.onError };
}

export function resolveServeOptions(options: ServeOptions, service: string): { concurrency: number } {
  const { concurrency = 10 } = options;
  checkWhole(
    concurrency,
    `serve('${service}'): concurrency`,
    1,
    MAX_CONCURRENCY,
    `the server hands out at most ${MAX_CONCURRENCY} tasks at once; run more worker processes for more`,
  );
  return { concurrency };
}

export function resolveDrainMs(options: StopOptions): number {
  const { drainMs = 30_000 } = options;
  // setTimeout's limit: a longer delay fires at once.
  checkWhole(drainMs, 'stop: drainMs', 0, 2_147_483_647, 'give the milliseconds to wait');
  return drainMs;
}

function checkWhole(value: unknown, what: string, min: number, max: number, why: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    throw new ConfigError(
      `${what} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)}); ${why}`,
    );
  }
}
