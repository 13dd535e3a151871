/**
 * The bus port: publish events durably, and deliver them to durable subscriptions. The embedded
 * bus (on the store's event log) implements it; NATS JetStream and RabbitMQ transports will
 * implement the same shape and run the same conformance suite (test/conformance/bus.case.ts).
 *
 * Contract
 * - `publish` resolves once the events are durable; an id already published is not published
 *   again (publishers may retry).
 * - A subscription is durable and named (one per service and event types, shared by the
 *   service's instances); a new one starts at the end of the log, or at its beginning.
 * - Delivery is at least once, and an event whose handler returned (acknowledged) is not
 *   delivered to that subscription again: de-duplication per (subscription, event id).
 * - Events with the same `subject` (the key) reach a subscription one at a time, in publish
 *   order; events with different keys (or none) are delivered in parallel.
 * - A handler that throws or times out is retried with backoff; after the last attempt (or at
 *   once for a non-retryable error) the event becomes a dead letter with its error, attempts and
 *   times, and its key moves on. Dead letters can be redriven; a subscription can be replayed
 *   from a position or a time.
 */
import type { Duration } from '../core/duration.js';
import type { RetryOptions } from '../core/retry-policy.js';
import type { DeadLetterQuery, ParkedEvent, PublishResult } from '../store/event-log.js';
import type { CloudEvent } from './cloud-event.js';

export interface Delivery {
  subscription: string;
  /** The event's position in the log. */
  seq: number;
  /** 1 for the first delivery, 2 for the first retry... */
  attempt: number;
  /** Read-only (frozen, data and all): transports may hand one decoded event to several subscriptions. */
  readonly event: CloudEvent;
  /** Aborted when the delivery times out or the subscription stops. */
  readonly signal: AbortSignal;
  /**
   * Publishes events with this delivery's acknowledgement: they land in the log only if the
   * handler returns, in the same commit (the outbox of a handler). Use ids derived from the
   * event's id: a handler that runs again after a crash then publishes nothing twice.
   */
  publish(events: readonly CloudEvent[]): void;
}

/** Handles one delivery: returning acknowledges it; throwing fails this attempt. */
export type DeliveryHandler = (delivery: Delivery) => Promise<void> | void;

export interface SubscribeOptions {
  /** The durable subscription's name, e.g. 'shipping.on-order-placed'. */
  name: string;
  /** Event types delivered to it. */
  types: readonly string[];
  handler: DeliveryHandler;
  /** Where a subscription that does not exist yet starts. @default 'end' */
  from?: 'beginning' | 'end';
  /** Deliveries in flight at once (of different keys). @default 64 */
  concurrency?: number;
  /** Retries of a failing delivery. @default { maxAttempts: 5, initialInterval: '100ms' } */
  retry?: RetryOptions;
  /** A handler call that has not returned after this is failed (and retried). @default '30s' */
  timeout?: Duration;
}

export interface BusSubscription {
  readonly name: string;
  /** Resolves when every event published so far is settled (delivered, or parked for a retry or as a dead letter). */
  idle(): Promise<void>;
  /** Stops delivering; deliveries in flight are aborted and will be delivered again later. */
  stop(): Promise<void>;
}

/** Where a replay starts: after a log position, or at the first event at or after a time. */
export type ReplayFrom = { position: number } | { time: Date | number };

export interface Bus {
  publish(events: readonly CloudEvent[]): Promise<PublishResult[]>;
  subscribe(options: SubscribeOptions): Promise<BusSubscription>;
  /** Dead letters, in log order. */
  deadLetters(query?: DeadLetterQuery): Promise<ParkedEvent[]>;
  /** Delivers matching dead letters again (attempts start over); returns how many. */
  redrive(query: DeadLetterQuery): Promise<number>;
  /** Delivers a subscription's events again from `from` (dead letters stay dead letters). */
  replay(subscription: string, from: ReplayFrom): Promise<void>;
  /**
   * Events of these types were appended to the store's log by a run's transition (the outbox of
   * a workflow): deliver them. The embedded bus wakes its subscriptions.
   */
  appended(types: readonly string[]): void;
  /** Stops every subscription of this bus. */
  close(): Promise<void>;
}
