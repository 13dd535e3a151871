/**
 * The JSON shapes in which tools read the log: events as CloudEvents with their `seq`, and dead
 * letters with their failure. One module, so that `tutti dlq list --json` and the HTTP API
 * (`GET /v1/dead-letters`) answer scripts with the same shape.
 */
import type { RecordedError } from '../core/serialize.js';
import type { EventRecord, ParkedEvent } from '../store/event-log.js';
import { type CloudEvent, toCloudEvent } from './cloud-event.js';

/** A log record as its CloudEvent, with its position in the log. */
export function eventJson(record: EventRecord): CloudEvent & { seq: number } {
  return { seq: record.seq, ...toCloudEvent(record) };
}

export interface DeadLetterJson {
  subscription: string;
  seq: number;
  attempts: number;
  firstFailedAt: string | null;
  lastFailedAt: string | null;
  /** The last failure as recorded, its stack included. */
  error: RecordedError | null;
  event: CloudEvent;
}

export function deadLetterJson(dead: ParkedEvent): DeadLetterJson {
  return {
    subscription: dead.subscription,
    seq: dead.seq,
    attempts: dead.attempts,
    firstFailedAt: isoOrNull(dead.firstFailedAt),
    lastFailedAt: isoOrNull(dead.lastFailedAt),
    error: dead.error === null ? null : (JSON.parse(dead.error) as RecordedError),
    event: toCloudEvent(dead.event),
  };
}

/**
 * A recorded error without its stacks (its causes' too): what an HTTP answer may show. A
 * handler's stack names files and lines of the service that threw; the CLI, run by an operator
 * on the machine, shows it, the server does not.
 */
export function withoutStacks(error: RecordedError | null): RecordedError | null {
  if (error === null || error.kind !== 'error') return error;
  const { stack: _stack, cause, ...rest } = error;
  return cause ? { ...rest, cause: withoutStacks(cause) as RecordedError } : rest;
}

/** Epoch milliseconds as RFC 3339, or null for none. */
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
