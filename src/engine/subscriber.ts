/**
 * Subscribers: a service's reaction to one event type, declared with the contract version it
 * reads, and `on(contract).start(workflow)`, an event that starts a workflow (the hybrid of the
 * seeds: choreography between domains, orchestration inside one).
 */

import type { CloudEvent } from '../bus/cloud-event.js';
import type { EventContract } from '../contracts/event-contract.js';
import type { Duration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import type { RetryOptions } from '../core/retry-policy.js';
import type { WorkflowDefinition } from '../core/types.js';
import type { PublishOptions } from './event-envelope.js';

export interface SubscriberContext<T> {
  /** The event as delivered (its data validated against the subscriber's contract). */
  event: CloudEvent<T>;
  /** 1 for the first delivery, 2 for the first retry... */
  attempt: number;
  /** Aborted when the delivery times out or the instance closes. */
  signal: AbortSignal;
  /**
   * Publishes an event caused by this one (same correlation id, causation id = this event's id).
   * It lands with this delivery's acknowledgement, or not at all; its id is derived from this
   * event's id, so a redelivery publishes nothing twice. Returns the new event's id.
   */
  publish<U>(contract: EventContract<U>, data: U, options?: Pick<PublishOptions, 'key'>): string;
  /** Starts a run (or finds the run with this id): idempotent, so a redelivery starts nothing twice. */
  start<I>(workflow: WorkflowDefinition<I, unknown>, input: I, options: { id: string }): Promise<void>;
}

export type SubscriberHandler<T> = (data: T, ctx: SubscriberContext<T>) => Promise<void> | void;

export interface SubscriberOptions {
  /** Where the subscription starts the first time it runs. @default 'end' */
  from?: 'beginning' | 'end';
  /** Deliveries in flight at once (of different keys). @default 64 */
  concurrency?: number;
  /** @default { maxAttempts: 5 } */
  retry?: RetryOptions;
  /** @default '30s' */
  timeout?: Duration;
}

export interface SubscriberDefinition<T = any> {
  /** The durable subscription's name, e.g. 'shipping.on-order-placed'; shared by the service's instances. */
  readonly name: string;
  /** The contract (type and version) this subscriber reads. */
  readonly contract: EventContract<T>;
  readonly handler: SubscriberHandler<T>;
  readonly options: SubscriberOptions;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/**
 * Declares a subscriber. Events that do not match its contract are dead-lettered with the
 * validation error, never handed to it.
 *
 * @example
 * const ship = defineSubscriber('shipping.on-order-placed', OrderPlaced, async (order, ctx) => {
 *   ctx.publish(ShipmentRequested, { orderId: order.orderId }, { key: order.orderId });
 * });
 */
export function defineSubscriber<T>(
  name: string,
  contract: EventContract<T>,
  handler: SubscriberHandler<T>,
  options: SubscriberOptions = {},
): SubscriberDefinition<T> {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigError(
      `defineSubscriber: the name must be letters, digits and . _ : / -, e.g. 'shipping.on-order-placed'; got ${JSON.stringify(name)}`,
    );
  }
  if (typeof contract?.validate !== 'function') {
    throw new ConfigError(`defineSubscriber('${name}'): the second argument must be a contract from defineEvent`);
  }
  if (typeof handler !== 'function')
    throw new ConfigError(`defineSubscriber('${name}'): the handler must be a function`);
  return Object.freeze({ name, contract, handler, options: { ...options } });
}

/**
 * Starts a workflow for each event of a type, idempotently by the id it derives from the event.
 *
 * @example
 * const shipping = on(OrderPlaced).start(shipOrder, { id: (order) => `ship-${order.orderId}` });
 */
export function on<T>(contract: EventContract<T>) {
  return {
    start<I>(
      workflow: WorkflowDefinition<I, unknown>,
      options: { id: (data: T) => string; input?: (data: T) => I; name?: string } & SubscriberOptions,
    ): SubscriberDefinition<T> {
      const { id, input, name, ...subscriberOptions } = options;
      return defineSubscriber(
        name ?? `start:${workflow.name}:on:${contract.type}`,
        contract,
        (data, ctx) => ctx.start(workflow, input ? input(data) : (data as unknown as I), { id: id(data) }),
        subscriberOptions,
      );
    },
  };
}
