/**
 * The event log's writes (event-log.ts), on the writer's connection like every write
 * (sqlite-writes.ts): events appended and delivery commits inside the group commit's batch, and
 * the rare writes an operator or a starting subscriber makes, each in a call of its own.
 *
 * JSON arrays (a subscription's types and acknowledged seqs) are encoded here; the store decodes
 * them when it reads (sqlite-event-log.ts). Results stay plain data, for the writer thread's port.
 */
import type Database from 'better-sqlite3';
import type { DeliveryCommit, NewEvent, PublishResult } from '../event-log.js';
import {
  type DeadLetterFilter,
  EVENT_ROWS_PER_INSERT,
  type SqliteQueries,
  type SubscriptionRow,
} from './sqlite-queries.js';

/** The event log's writes a writer serves outside batches, by name (see WriteOperations). */
export interface EventWriteOperations {
  openSubscription(name: string, types: readonly string[], position: number, now: number): SubscriptionRow;
  /** Returns how many dead letters went back to 'retrying'. */
  redrive(filter: DeadLetterFilter, now: number): number;
  replay(subscription: string, position: number): void;
}

/** Thrown inside a write's transaction for a subscription that does not exist (UnknownSubscriptionError). */
export class UnknownSubscription extends Error {
  constructor(readonly subscription: string) {
    super('unknown subscription');
  }
}

/** Appends events, skipping ids already in the log; each answers with its seq. */
export function appendEvents(q: SqliteQueries, events: readonly NewEvent[]): PublishResult[] {
  const results: PublishResult[] = [];
  let i = 0;
  for (; i + EVENT_ROWS_PER_INSERT <= events.length; i += EVENT_ROWS_PER_INSERT) {
    appendChunk(q, events.slice(i, i + EVENT_ROWS_PER_INSERT), results);
  }
  for (; i < events.length; i++) results.push(appendOne(q, events[i] as NewEvent));
  return results;
}

function appendOne(q: SqliteQueries, event: NewEvent): PublishResult {
  const inserted = q.insertEvent.run(event);
  if (inserted.changes === 1) return { seq: Number(inserted.lastInsertRowid), created: true };
  return { seq: (q.selectEventSeq.get({ id: event.id }) as { seq: number }).seq, created: false };
}

/** EVENT_ROWS_PER_INSERT events in one statement; new rows take consecutive seqs after every existing one. */
function appendChunk(q: SqliteQueries, chunk: readonly NewEvent[], results: PublishResult[]): void {
  const args: unknown[] = [];
  for (const e of chunk) args.push(e.id, e.type, e.source, e.subject, e.time, e.data, e.extensions);
  const inserted = q.insertEventRows.run(args);
  const last = Number(inserted.lastInsertRowid);
  if (inserted.changes === chunk.length) {
    for (let j = 0; j < chunk.length; j++) results.push({ seq: last - chunk.length + 1 + j, created: true });
    return;
  }
  // Some ids were in the log already (or twice in the chunk): look each one up. Rows this
  // statement added have the highest seqs; an id repeated in the chunk was added once.
  const seen = new Set<string>();
  for (const e of chunk) {
    const seq = (q.selectEventSeq.get({ id: e.id }) as { seq: number }).seq;
    results.push({ seq, created: inserted.changes > 0 && seq > last - inserted.changes && !seen.has(e.id) });
    seen.add(e.id);
  }
}

/** Applies a delivery commit: the subscription first, so an unknown one fails before anything else. */
export function applyDeliveries(q: SqliteQueries, commit: DeliveryCommit): void {
  const { subscription } = commit;
  setProgress(q, subscription, commit.position, commit.ackedAbove);
  if (commit.unpark) for (const seq of commit.unpark) q.unparkDelivery.run({ subscription, seq });
  // A commit changes its own subscription only: a row is filed under it, whatever the row says.
  if (commit.park) for (const row of commit.park) q.parkDelivery.run({ ...row, subscription });
  if (commit.publish) appendEvents(q, commit.publish);
}

export function prepareEventWrites(db: Database.Database, q: SqliteQueries): EventWriteOperations {
  const replay = db.transaction((subscription: string, position: number) => {
    setProgress(q, subscription, position, []);
    q.unparkForReplay.run({ subscription });
  });
  // The rows the listing selects, so that listing and redriving with one filter take the same ones.
  const redrive = db.transaction((filter: DeadLetterFilter, now: number) => {
    const rows = q.listDeadLetters.all(filter);
    for (const { subscription, seq } of rows) q.redriveDeadLetter.run({ subscription, seq, now });
    return rows.length;
  });
  return {
    openSubscription: (name, types, position, now) =>
      q.openSubscription.get({ name, types: JSON.stringify(types), position, createdAt: now }) as SubscriptionRow,
    redrive: (filter, now) => redrive.immediate(filter, now),
    replay: (subscription, position) => replay.immediate(subscription, position),
  };
}

function setProgress(q: SqliteQueries, name: string, position: number, ackedAbove: readonly number[]): void {
  if (q.updateSubscription.run({ name, position, ackedAbove: JSON.stringify(ackedAbove) }).changes === 0) {
    throw new UnknownSubscription(name);
  }
}
