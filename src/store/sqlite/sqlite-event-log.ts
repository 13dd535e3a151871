/**
 * The event log's reads (event-log.ts) on the store's connection, and the mapping of its rows to
 * the port's records: a subscription's JSON arrays decoded, a parked row's event nested. The
 * writes are in sqlite-event-writes.ts; the store (sqlite-store.ts) runs both.
 */
import type {
  DeadLetterQuery,
  EventQuery,
  EventRecord,
  ParkedEvent,
  ParkedState,
  SubscriptionRecord,
} from '../event-log.js';
import type { DeadLetterFilter, ParkedEventRow, SqliteQueries, SubscriptionRow } from './sqlite-queries.js';

/** The reads of the EventLog port, synchronous: the store runs them through its `read`. */
export interface EventReads {
  readEvents(query: EventQuery): EventRecord[];
  lastSeq(): number;
  positionAt(time: number): number;
  getSubscription(name: string): SubscriptionRecord | undefined;
  listSubscriptions(): SubscriptionRecord[];
  readParked(subscription: string, states?: readonly ParkedState[]): ParkedEvent[];
  listDeadLetters(query?: DeadLetterQuery): ParkedEvent[];
}

export function eventReads(q: SqliteQueries): EventReads {
  return {
    readEvents: (query) => {
      const after = query.after ?? 0;
      const limit = query.limit ?? 100;
      // One type (a subscription's usual read) has a plain index range: several times cheaper per row.
      const [type, ...others] = query.types ?? [];
      if (type !== undefined && others.length === 0) return q.selectEventsOfType.all({ after, type, limit });
      return q.selectEvents.all({ after, types: jsonOrNull(query.types), limit });
    },
    lastSeq: () => (q.selectLastSeq.get({}) as { seq: number }).seq,
    positionAt: (time) => (q.selectPositionAt.get({ time }) as { position: number }).position,
    getSubscription: (name) => {
      const row = q.selectSubscription.get({ name });
      return row && toSubscription(row);
    },
    listSubscriptions: () => q.listSubscriptions.all({}).map(toSubscription),
    readParked: (subscription, states) =>
      q.selectParked.all({ subscription, states: jsonOrNull(states) }).map(toParkedEvent),
    listDeadLetters: (query = {}) => q.listDeadLetters.all(deadLetterFilter(query, 100)).map(toParkedEvent),
  };
}

/** The statement parameters for a dead-letter query; `limit` when the query has none (-1: all). */
export function deadLetterFilter(query: DeadLetterQuery, limit: number): DeadLetterFilter {
  return {
    subscription: query.subscription ?? null,
    type: query.type ?? null,
    seqs: jsonOrNull(query.seqs),
    limit: query.limit ?? limit,
  };
}

export function toSubscription(row: SubscriptionRow): SubscriptionRecord {
  return { ...row, types: JSON.parse(row.types), ackedAbove: JSON.parse(row.ackedAbove) };
}

function toParkedEvent({ id, type, source, subject, time, data, extensions, ...row }: ParkedEventRow): ParkedEvent {
  return { ...row, event: { seq: row.seq, id, type, source, subject, time, data, extensions } };
}

function jsonOrNull(values: readonly unknown[] | undefined): string | null {
  return values ? JSON.stringify(values) : null;
}
