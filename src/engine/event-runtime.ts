/**
 * The events side of a Tutti instance: the contracts it knows (checked for compatibility when
 * the instance is created), publishing, and the subscribers it runs on its bus.
 */
import type { Bus, BusSubscription, Delivery } from '../bus/bus.js';
import type { CloudEvent } from '../bus/cloud-event.js';
import type { EventContract } from '../contracts/event-contract.js';
import { EventRegistry } from '../contracts/event-registry.js';
import { ConfigError } from '../core/errors.js';
import type { WorkflowDefinition } from '../core/types.js';
import type { Cause, EnvelopeFactory, PublishOptions } from './event-envelope.js';
import type { SubscriberContext, SubscriberDefinition } from './subscriber.js';

/** Starts a run idempotently by id (the engine's start). */
export type StartRun = (workflow: WorkflowDefinition, input: unknown, id: string) => Promise<void>;

export interface Published {
  id: string;
  /** The event's position in the log. */
  seq: number;
}

/**
 * Registers the contracts and the versions the subscribers read, refusing incompatible ones
 * (IncompatibleSchemaError names the fields and the subscribers), before anything is opened.
 */
export function eventRegistry(
  contracts: readonly EventContract<any>[],
  subscribers: readonly SubscriberDefinition[],
): EventRegistry {
  const registry = new EventRegistry();
  for (const contract of contracts) registry.register(contract);
  const names = new Set<string>();
  for (const subscriber of subscribers) {
    if (names.has(subscriber.name)) {
      throw new ConfigError(`subscribers: two subscribers are named '${subscriber.name}'; names must be unique`);
    }
    names.add(subscriber.name);
    registry.subscribe(subscriber.name, subscriber.contract);
  }
  return registry;
}

export class EventRuntime {
  private readonly running: BusSubscription[] = [];

  constructor(
    readonly bus: Bus,
    private readonly registry: EventRegistry,
    private readonly envelopes: EnvelopeFactory,
    private readonly startRun: StartRun,
  ) {}

  /** Validates and publishes; resolves once the event is durable. */
  async publish<T>(contract: EventContract<T>, data: T, options?: PublishOptions): Promise<Published> {
    const event = this.envelope(contract, data, options);
    const [result] = await this.bus.publish([event]);
    return { id: event.id, seq: result?.seq as number };
  }

  /** The envelope of an event, validated; a contract not seen before is registered (and checked) first. */
  envelope<T>(contract: EventContract<T>, data: T, options?: PublishOptions, cause?: Cause): CloudEvent<T> {
    this.registry.register(contract);
    return this.envelopes.build(contract, data, options, cause);
  }

  async start(subscribers: readonly SubscriberDefinition[]): Promise<void> {
    for (const subscriber of subscribers) {
      this.running.push(
        await this.bus.subscribe({
          ...subscriber.options,
          name: subscriber.name,
          types: [subscriber.contract.type],
          handler: (delivery) => this.deliver(subscriber, delivery),
        }),
      );
    }
  }

  async close(): Promise<void> {
    await this.bus.close();
  }

  private async deliver<T>(subscriber: SubscriberDefinition<T>, delivery: Delivery): Promise<void> {
    // Refused data throws EventValidationError, which is not retryable: a dead letter at once.
    const data = subscriber.contract.validate(delivery.event.data);
    const event = delivery.event as CloudEvent<T>;
    const cause: Cause = { correlationId: event.correlationid ?? event.id, causationId: event.id };
    if (event.traceparent !== undefined) cause.traceparent = event.traceparent;
    let published = 0;
    const ctx: SubscriberContext<T> = {
      event,
      attempt: delivery.attempt,
      get signal() {
        return delivery.signal;
      },
      publish: (contract, payload, options) => {
        const id = `${event.id}/${subscriber.name}/${published++}`;
        const caused = this.envelope(contract, payload, { key: options?.key, id }, cause);
        delivery.publish([caused]);
        return caused.id;
      },
      start: (workflow, input, { id }) => this.startRun(workflow as WorkflowDefinition, input, id),
    };
    await subscriber.handler(data, ctx);
  }
}
