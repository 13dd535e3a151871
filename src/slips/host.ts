/**
 * Hosting activities: a service runs the activities it owns, and only those. Each activity is one
 * durable subscription (`slip:<name>`, shared by the service's instances) to its execute and
 * compensate event types. Handling a slip event runs the activity, then forwards the slip —
 * to the next activity, or back to the newest compensation — through `delivery.publish`: the
 * forward and the follow events commit with the acknowledgement, so a crash never loses a slip
 * nor forwards it twice. There is no coordinator: the slip carries its own itinerary.
 *
 * Attempts: a throwing execute is retried by the bus (backoff of the activity's `retry`); on its
 * last attempt, or at once for a non-retryable error, the fault is caught and the slip turns back
 * to compensation. A throwing compensate is retried up to `compensateAttempts`; then a
 * `compensation-failed` event is published and the compensate event becomes a dead letter (a
 * redrive carries on from there).
 */
import { hostname } from 'node:os';
import type { Bus, BusSubscription, Delivery } from '../bus/bus.js';
import type { EventContract } from '../contracts/event-contract.js';
import { toMs } from '../core/duration.js';
import {
  ActivityTimeoutError,
  CompensationFailedError,
  ConfigError,
  DuplicateNameError,
  EventValidationError,
  SlipInvalidError,
} from '../core/errors.js';
import { childLogger, type Logger, silentLogger } from '../core/logger.js';
import { DEFAULT_RETRY, isRetryable, type RetryPolicy, resolveRetry } from '../core/retry-policy.js';
import type { ActivityDefinition } from './activity.js';
import { checkResult, compensateContext, executeContext, withTimeout } from './activity-call.js';
import { type Catalog, catalogNames } from './catalog.js';
import { type BusLike, busOf } from './envelope.js';
import { compensateType, executeType, type RoutingSlip, slipContract } from './slip.js';
import { compensated, compensationFailed, executed, faulted, type Hop } from './transitions.js';

export interface HostOptions {
  /** Who runs the activities, as the slips' logs record it. @default `${hostname()}:${process.pid}` */
  host?: string;
  /** The CloudEvents `source` of the events this host publishes. @default '/tutti/slips' */
  source?: string;
  /** The names of every activity hosted anywhere: a revision naming another is refused (the slip faults). */
  catalog?: Catalog;
  /** Where a new activity subscription starts: 'beginning' runs slips sent before any host of it started. @default 'beginning' */
  from?: 'beginning' | 'end';
  /** @default silentLogger */
  logger?: Logger;
  /** @default Date.now */
  clock?: () => number;
}

export interface ActivityHost {
  /** The names of the activities hosted. */
  readonly activities: readonly string[];
  /** Resolves when every slip event published so far has been handled (or parked) by these activities. */
  idle(): Promise<void>;
  /** Stops hosting; slip events in flight are handled again by the next host. */
  stop(): Promise<void>;
}

/** The bus gives up on a call this much after the activity's own timeout: the host's fires first, and can fault the slip. */
const BUS_TIMEOUT_MARGIN_MS = 5_000;
const EXECUTE_RETRY: RetryPolicy = Object.freeze({ ...DEFAULT_RETRY, maxAttempts: 3 });

/**
 * Hosts activities on a bus (or a Tutti instance's bus): this service runs them whenever a slip
 * reaches them, and forwards the slip.
 *
 * @example
 * const host = await hostActivities(tutti, [encode, watermark], { catalog: [encode, watermark, 'media.deploy'] });
 */
export async function hostActivities(
  target: BusLike,
  activities: readonly ActivityDefinition[],
  options: HostOptions = {},
): Promise<ActivityHost> {
  const bus = busOf(target);
  if (!Array.isArray(activities) || activities.length === 0) {
    throw new ConfigError('hostActivities: give the activities to host, e.g. [encode, deploy] from defineActivity');
  }
  const names = new Set<string>();
  for (const activity of activities) {
    if (names.has(activity.name)) {
      throw new DuplicateNameError(`hostActivities: activity '${activity.name}' is listed twice`);
    }
    names.add(activity.name);
  }
  const settings: HostSettings = {
    host: options.host ?? `${hostname()}:${process.pid}`,
    source: options.source ?? '/tutti/slips',
    catalog: catalogNames(options.catalog),
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? Date.now,
  };
  const subscriptions: BusSubscription[] = [];
  try {
    for (const activity of activities) {
      const hosted = new HostedActivity(bus, activity, settings);
      subscriptions.push(await hosted.subscribe(options.from ?? 'beginning'));
    }
  } catch (error) {
    await Promise.allSettled(subscriptions.map((s) => s.stop()));
    throw error;
  }
  return {
    activities: [...names],
    idle: async () => {
      await Promise.all(subscriptions.map((s) => s.idle()));
    },
    stop: async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
    },
  };
}

interface HostSettings {
  host: string;
  source: string;
  catalog: ReadonlySet<string> | undefined;
  logger: Logger;
  clock: () => number;
}

class HostedActivity {
  private readonly executeContract: EventContract<RoutingSlip>;
  private readonly compensateContract: EventContract<RoutingSlip>;
  private readonly retry: RetryPolicy;
  private readonly compensateAttempts: number;
  private readonly timeoutMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly bus: Bus,
    private readonly activity: ActivityDefinition,
    private readonly settings: HostSettings,
  ) {
    const where = `activity '${activity.name}'`;
    this.executeContract = slipContract(executeType(activity.name));
    this.compensateContract = slipContract(compensateType(activity.name));
    this.retry = resolveRetry(activity.options.retry, EXECUTE_RETRY, where);
    this.compensateAttempts = activity.options.compensateAttempts ?? 5;
    this.timeoutMs = toMs(activity.options.timeout ?? '30s', `${where}: \`timeout\``);
    this.logger = childLogger(settings.logger, { activity: activity.name, host: settings.host });
  }

  subscribe(from: 'beginning' | 'end'): Promise<BusSubscription> {
    const { activity } = this;
    const types = [this.executeContract.type];
    if (activity.compensate) types.push(this.compensateContract.type);
    return this.bus.subscribe({
      name: `slip:${activity.name}`,
      types,
      from,
      handler: (delivery) => this.handle(delivery),
      // One policy per subscription: its backoff serves both; each kind stops at its own attempts.
      retry: { ...activity.options.retry, maxAttempts: Math.max(this.retry.maxAttempts, this.compensateAttempts) },
      timeout: this.timeoutMs + BUS_TIMEOUT_MARGIN_MS,
      ...(activity.options.concurrency !== undefined && { concurrency: activity.options.concurrency }),
    });
  }

  private async handle(delivery: Delivery): Promise<void> {
    return delivery.event.type === this.executeContract.type
      ? this.execute(delivery, this.read(delivery, this.executeContract))
      : this.compensate(delivery, this.read(delivery, this.compensateContract));
  }

  /** The slip an event carries, checked to be one for this activity; SlipInvalidError (a dead letter) otherwise. */
  private read(delivery: Delivery, contract: EventContract<RoutingSlip>): RoutingSlip {
    const { event } = delivery;
    let slip: RoutingSlip;
    try {
      slip = contract.validate(event.data);
    } catch (error) {
      if (!(error instanceof EventValidationError)) throw error;
      throw new SlipInvalidError(event.id, `its data is not a routing slip: ${error.message}`, { cause: error });
    }
    const name = this.activity.name;
    const addressee = contract === this.executeContract ? slip.itinerary[0] : slip.compensateLog.at(-1);
    if (addressee?.name !== name) {
      const list = contract === this.executeContract ? 'itinerary' : 'compensation log';
      throw new SlipInvalidError(
        event.id,
        `it is addressed to activity '${name}', but the slip's ${list} names ${addressee ? `'${addressee.name}'` : 'nothing'} next`,
      );
    }
    return slip;
  }

  private async execute(delivery: Delivery, slip: RoutingSlip): Promise<void> {
    const { activity, settings } = this;
    const spec = slip.itinerary[0] as RoutingSlip['itinerary'][number];
    const startedAt = settings.clock();
    const base = this.callBase(delivery, slip, delivery.event.id);
    // Courier's rule: the itinerary's arguments, with the slip's variables filling the names they lack.
    const args = structuredClone({ ...slip.variables, ...spec.arguments });
    const hop = (): Hop => ({ ...this.hopBase(delivery, slip), startedAt, endedAt: settings.clock() });
    let events: ReturnType<typeof executed>;
    try {
      const returned = await withTimeout(
        (signal) => activity.execute(args, executeContext(base, signal, slip.itinerary.slice(1))),
        this.timeoutMs,
        delivery.signal,
        () => new ActivityTimeoutError(activity.name, 'execute', this.timeoutMs),
      );
      events = executed(
        hop(),
        checkResult(returned, activity.name, settings.catalog),
        activity.compensate !== undefined,
      );
    } catch (error) {
      // A stopping host or a delivery the bus gave up on: the bus delivers the slip again.
      if (delivery.signal.aborted) throw error;
      if (delivery.attempt < this.retry.maxAttempts && isRetryable(this.retry, error)) throw error;
      this.logger.warn('activity faulted; compensating the slip', { trackingId: slip.trackingId, error });
      events = faulted(hop(), error);
    }
    delivery.publish(events);
  }

  private async compensate(delivery: Delivery, slip: RoutingSlip): Promise<void> {
    const { activity, settings } = this;
    const entry = slip.compensateLog.at(-1) as RoutingSlip['compensateLog'][number];
    const compensate = activity.compensate as NonNullable<ActivityDefinition['compensate']>;
    const startedAt = settings.clock();
    const base = this.callBase(delivery, slip, entry.executionId);
    const hop = (): Hop => ({ ...this.hopBase(delivery, slip), startedAt, endedAt: settings.clock() });
    try {
      await withTimeout(
        (signal) => compensate(structuredClone(entry.data), compensateContext(base, signal)),
        this.timeoutMs,
        delivery.signal,
        () => new ActivityTimeoutError(activity.name, 'compensate', this.timeoutMs),
      );
    } catch (error) {
      if (delivery.signal.aborted) throw error;
      if (delivery.attempt < this.compensateAttempts && isRetryable(this.retry, error)) throw error;
      // Announced outside the delivery's outbox, which a throwing handler drops: the event then
      // becomes a dead letter (CompensationFailedError is not retryable) for an operator to redrive.
      this.logger.error('compensation failed; the slip waits in dead letters', { trackingId: slip.trackingId, error });
      await this.bus.publish([compensationFailed(hop(), error)]);
      throw new CompensationFailedError(slip.trackingId, activity.name, delivery.attempt, error);
    }
    delivery.publish(compensated(hop()));
  }

  private callBase(delivery: Delivery, slip: RoutingSlip, executionId: string) {
    return {
      trackingId: slip.trackingId,
      executionId,
      activity: this.activity.name,
      host: this.settings.host,
      attempt: delivery.attempt,
      variables: structuredClone(slip.variables),
    };
  }

  private hopBase(delivery: Delivery, slip: RoutingSlip) {
    return { slip, event: delivery.event, host: this.settings.host, source: this.settings.source };
  }
}
