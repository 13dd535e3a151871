/**
 * The embedded bus: the bus port on the store's event log, in this process. Publishing appends
 * to the log (group-committed, durable when resolved) and wakes the local subscriptions that
 * read those types, so delivery does not wait for a poll. A slower poll picks up what other
 * processes published or redrove on the same store.
 */
import { type Duration, toMs } from '../../core/duration.js';
import { ConfigError, DuplicateNameError } from '../../core/errors.js';
import { type Logger, silentLogger } from '../../core/logger.js';
import { DEFAULT_RETRY, resolveRetry } from '../../core/retry-policy.js';
import type {
  DeadLetterQuery,
  EventLog,
  EventRecord,
  NewEvent,
  ParkedEvent,
  PublishResult,
} from '../../store/event-log.js';
import type { Bus, BusSubscription, ReplayFrom, SubscribeOptions } from '../bus.js';
import { type CloudEvent, toNewEvent } from '../cloud-event.js';
import { Dispatcher, type DispatcherSettings } from './dispatcher.js';
import { SharedReads } from './shared-reads.js';

export interface EmbeddedBusOptions {
  /** How often subscriptions look for events published or redriven by other processes. @default '500ms' */
  pollInterval?: Duration;
  /** Events read from the log per query. @default 500 */
  batch?: number;
  /** Events a subscription holds in memory at most (unsettled or acknowledged above its position). @default 4000 */
  window?: number;
  /**
   * How long a subscription's acknowledgements may wait to be committed together when nothing
   * else is waiting on the commit (a handler's published events, retries and idle() go at once).
   * Longer: fewer commits at low rates; an acknowledgement not yet committed when the process
   * dies is delivered again. @default '10ms'
   */
  ackDelay?: Duration;
  /** @default silentLogger */
  logger?: Logger;
  /** @default Date.now */
  clock?: () => number;
  /** Told whenever events of these types reach the log through this bus (publishes, handler outboxes). */
  appended?: (types: ReadonlySet<string>) => void;
}

/** A retry policy suited to handlers: more attempts than a step's default, as a consumer has nobody else to retry. */
const BUS_RETRY = Object.freeze({ ...DEFAULT_RETRY, maxAttempts: 5 });

/**
 * Creates the embedded bus over a store (any Store is an EventLog).
 * @example const bus = createEmbeddedBus(store);
 */
export function createEmbeddedBus(log: EventLog, options: EmbeddedBusOptions = {}): Bus {
  return new EmbeddedBus(log, options);
}

class EmbeddedBus implements Bus {
  private readonly live = new Map<string, { dispatcher: Dispatcher; settings: DispatcherSettings }>();
  private readonly poll: NodeJS.Timeout;
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly batch: number;
  private readonly window: number;
  private readonly ackDelayMs: number;
  private closed = false;
  private readonly observer: ((types: ReadonlySet<string>) => void) | undefined;
  private readonly reads: SharedReads;

  constructor(
    private readonly log: EventLog,
    options: EmbeddedBusOptions,
  ) {
    this.observer = options.appended;
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.batch = positiveInteger(options.batch ?? 500, 'bus: `batch`');
    this.window = positiveInteger(options.window ?? 4000, 'bus: `window`');
    this.ackDelayMs = toMs(options.ackDelay ?? '10ms', 'bus: `ackDelay`');
    this.reads = new SharedReads(log, 2 * this.window);
    const pollMs = Math.max(1, toMs(options.pollInterval ?? '500ms', 'bus: `pollInterval`'));
    this.poll = setInterval(() => this.pollAll(), pollMs);
    this.poll.unref();
  }

  async publish(events: readonly CloudEvent[]): Promise<PublishResult[]> {
    const appended = events.map(toNewEvent);
    const types = new Set(events.map((event) => event.type));
    const landed = this.reads.publishing(types);
    let results: PublishResult[];
    try {
      results = await this.log.publish(appended);
    } finally {
      landed();
    }
    // Our subscriptions take these from memory rather than read them back (see SharedReads).
    const records: EventRecord[] = [];
    results.forEach(({ seq, created }, i) => {
      if (created) records.push({ seq, ...(appended[i] as NewEvent) });
    });
    this.reads.appended(records);
    this.wake(types);
    return results;
  }

  appended(types: readonly string[]): void {
    this.wake(new Set(types));
  }

  /** Wakes the local subscriptions that read any of `types`, and tells the `appended` observer. */
  private wake(types: ReadonlySet<string>): void {
    this.observer?.(types);
    for (const { dispatcher, settings } of this.live.values()) {
      if (settings.types.some((type) => types.has(type))) dispatcher.wake();
    }
  }

  async subscribe(options: SubscribeOptions): Promise<BusSubscription> {
    if (this.closed) throw new ConfigError('bus: closed; create a new bus to subscribe');
    const settings = this.settings(options);
    if (this.live.has(settings.name)) {
      throw new DuplicateNameError(
        `bus: subscription '${settings.name}' is already running in this process; one subscriber per name per process (its instances in other processes share it)`,
      );
    }
    const dispatcher = new Dispatcher(this.log, settings);
    this.live.set(settings.name, { dispatcher, settings });
    const initial = options.from === 'beginning' ? 0 : await this.log.lastSeq();
    try {
      await dispatcher.start(initial);
    } catch (error) {
      this.live.delete(settings.name);
      throw error;
    }
    return {
      name: settings.name,
      idle: () => (this.live.get(settings.name)?.dispatcher ?? dispatcher).idle(),
      stop: () => this.stop(settings.name),
    };
  }

  deadLetters(query?: DeadLetterQuery): Promise<ParkedEvent[]> {
    return this.log.listDeadLetters(query);
  }

  async redrive(query: DeadLetterQuery): Promise<number> {
    const count = await this.log.redrive(query, this.clock());
    for (const { dispatcher, settings } of this.live.values()) {
      if (query.subscription === undefined || query.subscription === settings.name) await dispatcher.adoptRedriven();
    }
    return count;
  }

  async replay(subscription: string, from: ReplayFrom): Promise<void> {
    const position =
      'position' in from
        ? from.position
        : await this.log.positionAt(from.time instanceof Date ? from.time.getTime() : from.time);
    const running = this.live.get(subscription);
    if (!running) {
      await this.log.replay(subscription, position);
      return;
    }
    await running.dispatcher.stop();
    await this.log.replay(subscription, position);
    const dispatcher = new Dispatcher(this.log, running.settings);
    this.live.set(subscription, { dispatcher, settings: running.settings });
    await dispatcher.start(position);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poll);
    await Promise.all([...this.live.keys()].map((name) => this.stop(name)));
  }

  private async stop(name: string): Promise<void> {
    const running = this.live.get(name);
    if (!running) return;
    this.live.delete(name);
    this.reads.forget(name);
    await running.dispatcher.stop();
  }

  private pollAll(): void {
    for (const { dispatcher } of this.live.values()) {
      dispatcher.wake();
      dispatcher
        .adoptRedriven()
        .catch((error) => this.logger.error('bus: polling for redriven events failed', { error }));
    }
  }

  /** Validates subscribe options and applies their defaults: the one place they are read. */
  private settings(options: SubscribeOptions): DispatcherSettings {
    const { name, types, handler } = options;
    if (typeof name !== 'string' || name === '') {
      throw new ConfigError("subscribe: `name` must name the subscription, e.g. 'shipping.on-order-placed'");
    }
    const where = `subscription '${name}'`;
    if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string' || t === '')) {
      throw new ConfigError(`${where}: \`types\` must list the event types it reads, e.g. ['order.placed']`);
    }
    if (typeof handler !== 'function') throw new ConfigError(`${where}: \`handler\` must be a function`);
    return {
      name,
      types: [...types],
      handler,
      concurrency: positiveInteger(options.concurrency ?? 64, `${where}: \`concurrency\``),
      retry: resolveRetry(options.retry, BUS_RETRY, where),
      timeoutMs: toMs(options.timeout ?? '30s', `${where}: \`timeout\``),
      batch: this.batch,
      window: this.window,
      ackDelayMs: this.ackDelayMs,
      clock: this.clock,
      logger: this.logger,
      appended: (types) => this.wake(types),
      read: (query) => this.reads.read(query, name),
    };
  }
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`${field} must be a whole number >= 1 (got ${value})`);
  return value;
}
