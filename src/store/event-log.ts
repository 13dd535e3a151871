/**
 * The event log part of the store port: what the embedded bus keeps durably. Same contract as
 * the rest of the port (store.ts): domain operations, JSON as text, writes group-committed and
 * durable when resolved.
 *
 * Model
 * - One append-only **log** of events, each a CloudEvents 1.0 envelope with a `seq` (its
 *   position, increasing in commit order). Publishing an id that is already in the log is a
 *   no-op that returns the existing seq: publishers may retry.
 * - A **subscription** (one per service and event type set, shared by the service's instances)
 *   reads the log in seq order. Its durable state is small on the fast path: a `position` (every
 *   event with seq <= position is settled for it) and `ackedAbove`, the seqs above the position
 *   already acknowledged out of order (different keys are handled in parallel). Acknowledging a
 *   batch is one write of these two fields.
 * - Events that are not settled the fast way are **parked** in rows of their own: `retrying`
 *   (failed, next attempt at `nextAt`), `held` (waiting behind an earlier event of the same key,
 *   so that keys keep their order across restarts) and `dead` (dead letters, kept with their last
 *   error, attempts and times). A parked event counts as settled for the position, so one slow
 *   key never holds the position back; the parked rows carry it instead.
 * - Delivered at least once; an event settled (acked, or dead) is never delivered to that
 *   subscription again unless an operator replays or redrives it: that is the de-duplication per
 *   (subscription, event id).
 */

/** An event to append: a CloudEvents 1.0 envelope (specversion '1.0', datacontenttype JSON). */
export interface NewEvent {
  /** Unique in the log; publishing it again returns the existing event's seq. */
  id: string;
  type: string;
  source: string;
  /** The ordering key: events with the same subject reach a subscription in order. */
  subject: string | null;
  /** Epoch milliseconds. */
  time: number;
  /** JSON text of the data, or null for none. */
  data: string | null;
  /** JSON text of the extension attributes (traceparent, correlationid, causationid, dataversion), or null. */
  extensions: string | null;
}

export interface EventRecord extends NewEvent {
  seq: number;
}

export interface PublishResult {
  seq: number;
  /** false when an event with this id was already in the log (nothing was written). */
  created: boolean;
}

export interface SubscriptionRecord {
  name: string;
  /** Event types it reads. */
  types: string[];
  /** Every event with seq <= position is settled for this subscription. */
  position: number;
  /** Seqs above `position` already acknowledged, ascending. */
  ackedAbove: number[];
  createdAt: number;
}

export type ParkedState = 'retrying' | 'held' | 'dead';

/** An event of a subscription that is not settled the fast way (see the header). */
export interface ParkedDelivery {
  subscription: string;
  seq: number;
  state: ParkedState;
  /** Attempts made so far (0 for an event held before its first attempt). */
  attempts: number;
  /** 'retrying': when the next attempt is due (epoch ms); otherwise null. */
  nextAt: number | null;
  /** JSON text of the last failure (a RecordedError), or null. */
  error: string | null;
  firstFailedAt: number | null;
  lastFailedAt: number | null;
}

/** A parked delivery with its event, as read back. */
export interface ParkedEvent extends ParkedDelivery {
  event: EventRecord;
}

/** One atomic change of a subscription's delivery state. */
export interface DeliveryCommit {
  subscription: string;
  position: number;
  ackedAbove: number[];
  /** Parked rows to write (insert or replace). */
  park?: ParkedDelivery[];
  /** Seqs whose parked row goes (acknowledged after a retry, or released from a hold). */
  unpark?: number[];
  /**
   * Events the acknowledged handlers published (the outbox of a handler): they land with the
   * acknowledgement or not at all. Ids already in the log are skipped, so a handler that runs
   * again after a crash and publishes the same ids publishes nothing twice.
   */
  publish?: NewEvent[];
}

export interface DeadLetterQuery {
  subscription?: string;
  type?: string;
  /** Only these seqs. */
  seqs?: readonly number[];
  /** @default 100 */
  limit?: number;
}

export interface EventQuery {
  /** Events with seq > after. @default 0 */
  after?: number;
  /** Only these types; all when omitted. */
  types?: readonly string[];
  /** @default 100 */
  limit?: number;
}

export interface EventLog {
  /** Appends events (ids already in the log are skipped); durable when resolved. */
  publish(events: readonly NewEvent[]): Promise<PublishResult[]>;
  /** Events in seq order. */
  readEvents(query: EventQuery): Promise<EventRecord[]>;
  /** The seq of the newest event, 0 when the log is empty. */
  lastSeq(): Promise<number>;
  /** The seq just before the first event at or after `time` (a position to replay from). */
  positionAt(time: number): Promise<number>;

  /**
   * Creates the subscription if it does not exist, positioned at `position`; an existing one
   * keeps its state and takes the new `types`. Returns it as stored.
   */
  openSubscription(name: string, types: readonly string[], position: number, now: number): Promise<SubscriptionRecord>;
  getSubscription(name: string): Promise<SubscriptionRecord | undefined>;
  listSubscriptions(): Promise<SubscriptionRecord[]>;
  /** Applies a delivery commit atomically; durable when resolved. Throws UnknownSubscriptionError. */
  commitDeliveries(commit: DeliveryCommit): Promise<void>;
  /** The subscription's parked events (all states, or those given), in seq order. */
  readParked(subscription: string, states?: readonly ParkedState[]): Promise<ParkedEvent[]>;
  /** Dead letters matching the query, in seq order. */
  listDeadLetters(query?: DeadLetterQuery): Promise<ParkedEvent[]>;
  /**
   * Moves the matching dead letters back to 'retrying' (attempts 0, due `now`); returns how many.
   * A running subscription picks them up on its next poll.
   */
  redrive(query: DeadLetterQuery, now: number): Promise<number>;
  /**
   * Replays a subscription: sets its position, forgets what it acknowledged above it and drops
   * its parked rows that are not dead letters, so everything after `position` is delivered again.
   */
  replay(subscription: string, position: number): Promise<void>;
}
