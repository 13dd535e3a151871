/**
 * Conductor's idempotent start: a StartWorkflowRequest with an `idempotencyKey` starts the
 * workflow once; another start with the same key (and workflow name) fails (`FAIL`, the default)
 * or answers the first run's id (`RETURN_EXISTING`).
 *
 * How: the run id is derived from the name and the key, so the store's unique run id is what
 * finds the first run: across restarts and concurrent requests, with no table of keys to keep.
 */
import { createHash } from 'node:crypto';
import type { RunHandle } from '../../engine/run-handles.js';
import { RequestError } from '../http-errors.js';

export interface Idempotency {
  key: string;
  strategy: 'FAIL' | 'RETURN_EXISTING';
}

/** The request's idempotency, if it asks for one. */
export function idempotencyOf(request: {
  idempotencyKey?: string | null;
  idempotencyStrategy?: string | null;
}): Idempotency | undefined {
  const key = request.idempotencyKey ?? undefined;
  if (key === undefined || key === '') return undefined;
  const strategy = request.idempotencyStrategy ?? 'FAIL';
  if (strategy !== 'FAIL' && strategy !== 'RETURN_EXISTING') {
    // A key names one run here: a finished run's key cannot start another one.
    throw new RequestError(
      'REQUEST_INVALID',
      `idempotencyStrategy: ${strategy} is not supported (a key stays with its first run, finished or not); use FAIL or RETURN_EXISTING`,
    );
  }
  return { key, strategy };
}

/** The run id of workflow `name` started with `key`: a UUID (version 8, name-based) from a SHA-256 of both. */
export function idempotentRunId(name: string, key: string): string {
  const hash = createHash('sha256').update(`conductor.idempotency\u0000${name}\u0000${key}`).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x80;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A start that found the key's run already there: fine for RETURN_EXISTING, a 409 for FAIL. */
export function checkFirstStart(run: RunHandle, idempotency: Idempotency): void {
  if (run.created || idempotency.strategy === 'RETURN_EXISTING') return;
  throw new RequestError(
    'CONFLICT',
    `idempotencyKey: workflow '${run.id}' was already started with key '${idempotency.key}'; use idempotencyStrategy RETURN_EXISTING to get its id instead`,
  );
}
