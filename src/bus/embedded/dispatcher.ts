/**
 * Delivers one subscription's events from the event log to its handler (see bus.ts for the
 * contract and event-log.ts for the durable model).
 *
 * - Reads the log in batches after the last seq read, keeps at most `window` events unsettled,
 *   and hands them to the handler through KeyQueues (per-key order, `concurrency` in flight).
 * - Acknowledgements are not written one by one: the acks of a turn, and any parked rows, go in
 *   one delivery commit (group-committed with everything else), which also moves the position
 *   past the settled prefix. One commit is in flight at a time.
 * - A failed attempt parks the event as 'retrying' (durably) and blocks its key until the retry;
 *   the events waiting behind it are parked as 'held', so the position never waits for a slow
 *   key. After the last attempt the event is parked as 'dead' and its key moves on.
 * - Timeouts are checked by one sweep timer, not one timer per delivery.
 * - A store failure stops the dispatcher: what was not committed is delivered again on restart.
 */
import { DeliveryTimeoutError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { backoffDelay, isRetryable, type RetryPolicy } from '../../core/retry-policy.js';
import { recordError } from '../../core/serialize.js';
import type {
  EventLog,
  EventQuery,
  EventRecord,
  NewEvent,
  ParkedDelivery,
  ParkedEvent,
  ParkedState,
} from '../../store/event-log.js';
import type { Delivery, DeliveryHandler } from '../bus.js';
import { type CloudEvent, deliveredEnvelope, toNewEvent } from '../cloud-event.js';
import { KeyQueues } from './key-queues.js';
import { Progress } from './progress.js';
import type { SharedRead } from './shared-reads.js';

export interface DispatcherSettings {
  name: string;
  types: readonly string[];
  handler: DeliveryHandler;
  concurrency: number;
  retry: RetryPolicy;
  timeoutMs: number;
  /** Events read per query. */
  batch: number;
  /** Unsettled events held in memory at most. */
  window: number;
  /** How long acknowledgements alone may wait to be committed together. */
  ackDelayMs: number;
  clock: () => number;
  logger: Logger;
  /** Handlers published events of these types (they are in the log now). */
  appended: (types: ReadonlySet<string>) => void;
  /** Reads the log (shared with the bus's other subscriptions, see SharedReads). */
  read: (query: EventQuery) => Promise<SharedRead>;
}

interface Entry {
  seq: number;
  key: string | undefined;
  /** Holds the position no longer (see Progress); entries adopted from parked rows never did. */
  settled: boolean;
  record: EventRecord;
  attempts: number;
  /** The state of its parked row, once one is written; undefined while it has none. */
  parked: ParkedState | undefined;
  /** Delivered outside its key's order: a redriven dead letter. */
  redriven: boolean;
  error: string | null;
  firstFailedAt: number | null;
  lastFailedAt: number | null;
  startedAt: number;
  controller: AbortController | undefined;
  timer: NodeJS.Timeout | undefined;
  /** For its parked row: when a retry is due. */
  nextAt: number | null;
  /** The attempt in flight: a completion of any other (one that timed out) is ignored. */
  current: AttemptDelivery | undefined;
  /** What the handler published during the current attempt: lands with the acknowledgement. */
  outbox: NewEvent[] | undefined;
  nextOfKey: Entry | undefined;
  headsKey: boolean;
}

/** What a handler receives: one small object per attempt (its methods on the prototype). */
class AttemptDelivery implements Delivery {
  readonly seq: number;
  readonly attempt: number;
  readonly #entry: Entry;

  constructor(
    readonly subscription: string,
    entry: Entry,
    readonly event: CloudEvent,
  ) {
    this.seq = entry.seq;
    this.attempt = entry.attempts;
    this.#entry = entry;
  }

  get signal(): AbortSignal {
    this.#entry.controller ??= new AbortController();
    return this.#entry.controller.signal;
  }

  publish(events: readonly CloudEvent[]): void {
    if (this.#entry.current !== this) return; // a late call from an attempt that timed out
    this.#entry.outbox ??= [];
    for (const event of events) this.#entry.outbox.push(toNewEvent(event));
  }
}

export class Dispatcher {
  /** The position and the acknowledgements above it, as the next commit writes them. */
  private progress = new Progress<Entry>(0, []);
  /** Acknowledged or parked seqs above the position at start: skipped when the log is read. */
  private readonly settledAtStart = new Set<number>();
  private readonly queues = new KeyQueues<Entry>();
  /** Deliveries started and not settled (bounded by `concurrency`). */
  private delivering = 0;
  /**
   * Those of them whose handler returned a promise: they may time out or be aborted. A handler
   * that returns at once settles inside deliver(); adding and removing it from a set cost a new
   * hash table each time (a set that shrinks to empty and grows again).
   */
  private readonly awaiting = new Set<Entry>();
  /** Keys whose head waits for a retry: what arrives behind it is parked as 'held'. */
  private readonly blockedKeys = new Set<string>();
  /** Parked entries in memory (retrying or held), by seq: a redrive must not adopt them twice. */
  private readonly parkedInMemory = new Map<number, Entry>();
  /**
   * Seqs whose parked row changes in commits not landed yet (how many): the stored row is stale.
   * A count, not a flag: a retry can succeed while its park is still on its way, and the park
   * landing must not make the row look current while the unpark is still to come.
   */
  private readonly rowsInTransit = new Map<number, number>();
  /**
   * Seqs whose parked row a commit changed while a read of parked rows was in progress: that
   * read may hold the row as it was (a retry that has since succeeded or died), so it must not
   * adopt it.
   */
  private changedWhileReading: Set<number> | undefined;
  private adopting: Promise<void> = Promise.resolve();

  private toPark: Entry[] = [];
  private toUnpark: number[] = [];
  private toPublish: NewEvent[] = [];
  /** Acknowledgements or parks not yet in a commit. */
  private dirty = false;
  /** A commit is due this turn (setImmediate) ... */
  private commitScheduled = false;
  /** ... or, for acknowledgements alone, when this timer fires. */
  private ackTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private reading = false;
  private pumping = false;
  private wakeAgain = false;
  /** Every event up to this seq has been read (or is not of our types). */
  private scannedTo = 0;
  private readonly idleWaiters: { target: number; resolve: () => void }[] = [];
  private sweep: NodeJS.Timeout | undefined;
  private stopped = false;
  private failure: unknown;

  constructor(
    private readonly log: EventLog,
    private readonly settings: DispatcherSettings,
  ) {}

  /** Loads the subscription's durable state and starts delivering. */
  async start(initialPosition: number): Promise<void> {
    const { name, types, clock } = this.settings;
    const subscription = await this.log.openSubscription(name, types, initialPosition, clock());
    this.scannedTo = subscription.position;
    this.progress = new Progress(subscription.position, subscription.ackedAbove);
    for (const seq of subscription.ackedAbove) this.settledAtStart.add(seq);
    const parked = await this.log.readParked(name, ['retrying', 'held', 'dead']);
    for (const row of parked) {
      if (row.seq > subscription.position) this.settledAtStart.add(row.seq);
      if (row.state !== 'dead') this.adopt(row, false);
    }
    const sweepEvery = Math.max(50, Math.min(1_000, this.settings.timeoutMs / 4));
    this.sweep = setInterval(() => this.timeOutLateDeliveries(), sweepEvery);
    this.sweep.unref();
    this.wake();
  }

  /** New events may be in the log (published here, or polled): read them. */
  wake(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.wakeAgain = true;
      return;
    }
    void this.fill();
  }

  /** Picks up redriven dead letters (their rows are 'retrying' again, unknown to this process). */
  adoptRedriven(): Promise<void> {
    // One at a time: two overlapping reads would both see a row as new.
    this.adopting = this.adopting.then(async () => {
      if (this.stopped) return;
      const changed = new Set<number>();
      this.changedWhileReading = changed;
      let rows: ParkedEvent[];
      try {
        rows = await this.log.readParked(this.settings.name, ['retrying']);
      } finally {
        this.changedWhileReading = undefined;
      }
      for (const row of rows) {
        const known = this.parkedInMemory.has(row.seq) || this.rowsInTransit.has(row.seq) || changed.has(row.seq);
        if (!known) this.adopt(row, true);
      }
      this.pump();
    });
    return this.adopting;
  }

  /** Resolves once everything in the log now is settled here (see BusSubscription.idle). */
  async idle(): Promise<void> {
    if (this.failure) throw this.failure;
    const target = await this.log.lastSeq();
    await new Promise<void>((resolve) => {
      this.idleWaiters.push({ target, resolve });
      if (this.dirty && !this.committing) this.scheduleCommit(); // acknowledgements waiting: now
      this.wake();
      this.checkIdle();
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.sweep);
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    for (const entry of this.awaiting) entry.controller?.abort(new Error('the subscription stopped'));
    for (const entry of this.parkedInMemory.values()) clearTimeout(entry.timer);
    await this.committing;
    if (this.dirty && !this.failure) await this.commit();
    for (const waiter of this.idleWaiters.splice(0)) waiter.resolve();
  }

  // ---- reading --------------------------------------------------------------------------------

  private async fill(): Promise<void> {
    this.reading = true;
    try {
      const { batch, window, types } = this.settings;
      // Acknowledged events above the position count too: they are remembered until it passes them.
      while (!this.stopped && this.progress.held < window) {
        const end = this.idleWaiters.length > 0 ? await this.log.lastSeq() : 0;
        const { records, complete } = await this.settings.read({ after: this.progress.lastRead, types, limit: batch });
        for (const record of records) this.accept(record);
        if (complete) this.scannedTo = Math.max(this.scannedTo, end, this.progress.lastRead);
        this.pump();
        if (records.length < batch) break;
      }
    } catch (error) {
      this.fail(error);
    } finally {
      this.reading = false;
    }
    if (this.wakeAgain) {
      this.wakeAgain = false;
      this.wake();
    }
    this.checkIdle();
  }

  private accept(record: EventRecord): void {
    const seq = record.seq;
    this.progress.readUpTo(seq);
    if (this.settledAtStart.size > 0 && this.settledAtStart.delete(seq)) return;
    const entry = newEntry(record, 0, undefined, false);
    this.progress.track(entry);
    if (entry.key !== undefined && this.blockedKeys.has(entry.key)) this.park(entry, 'held');
    this.queues.push(entry);
  }

  /** Takes a parked row into memory: a retry or hold from before a restart, or a redrive. */
  private adopt(row: ParkedEvent, redriven: boolean): void {
    const entry = newEntry(row.event, row.attempts, row.state, redriven);
    entry.error = row.error;
    entry.firstFailedAt = row.firstFailedAt;
    entry.lastFailedAt = row.lastFailedAt;
    this.parkedInMemory.set(entry.seq, entry);
    if (row.state === 'held') {
      this.queues.push(entry); // behind its key's retrying head, adopted before it (seq order)
      return;
    }
    // A retry keeps its backoff across a restart: it waits for its time, heading its key.
    if (!redriven) {
      this.queues.pushWaiting(entry);
      if (entry.key !== undefined) this.blockedKeys.add(entry.key);
    }
    this.scheduleAttempt(entry, row.nextAt ?? 0);
  }

  // ---- delivering -----------------------------------------------------------------------------

  private pump(): void {
    // A handler that returns at once settles inside deliver(), which pumps again: without this
    // guard each such delivery would nest one level deeper (a stack overflow over a long backlog).
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && this.delivering < this.settings.concurrency) {
        const entry = this.queues.take();
        if (!entry) return;
        this.deliver(entry);
      }
    } finally {
      this.pumping = false;
    }
  }

  private deliver(entry: Entry): void {
    entry.attempts++;
    entry.startedAt = this.settings.clock();
    entry.controller = undefined;
    entry.outbox = undefined;
    const delivery = new AttemptDelivery(this.settings.name, entry, deliveredEnvelope(entry.record));
    entry.current = delivery;
    this.delivering++;
    let result: Promise<void> | void;
    try {
      result = this.settings.handler(delivery);
    } catch (error) {
      this.failed(entry, delivery, error);
      return;
    }
    if (result && typeof result.then === 'function') {
      this.awaiting.add(entry);
      result.then(
        () => this.succeeded(entry, delivery),
        (error) => this.failed(entry, delivery, error),
      );
    } else this.succeeded(entry, delivery);
  }

  private succeeded(entry: Entry, delivery: AttemptDelivery): void {
    if (this.stopped || entry.current !== delivery) return;
    entry.current = undefined;
    this.settledAttempt(entry);
    this.progress.settle(entry);
    this.progress.acknowledge(entry.seq);
    if (entry.outbox) {
      for (const event of entry.outbox) this.toPublish.push(event);
      entry.outbox = undefined;
    }
    if (entry.parked !== undefined) {
      this.toUnpark.push(entry.seq);
      this.changing(entry.seq);
      this.parkedInMemory.delete(entry.seq);
      entry.parked = undefined;
    }
    if (!entry.redriven) {
      if (entry.key !== undefined) this.blockedKeys.delete(entry.key);
      this.queues.release(entry);
    }
    this.afterSettle();
  }

  private failed(entry: Entry, delivery: AttemptDelivery | undefined, error: unknown): void {
    if (this.stopped || entry.current !== delivery) return;
    entry.current = undefined;
    this.settledAttempt(entry);
    const now = this.settings.clock();
    entry.error = JSON.stringify(recordError(error));
    entry.firstFailedAt ??= now;
    entry.lastFailedAt = now;
    const { retry } = this.settings;
    if (entry.attempts < retry.maxAttempts && isRetryable(retry, error)) {
      const nextAt = now + backoffDelay(retry, entry.attempts + 1, Math.random());
      this.park(entry, 'retrying', nextAt);
      if (!entry.redriven && entry.key !== undefined) {
        this.blockedKeys.add(entry.key);
        for (const waiting of this.queues.waiting(entry)) if (waiting.parked === undefined) this.park(waiting, 'held');
      }
      this.scheduleAttempt(entry, nextAt);
    } else {
      this.settings.logger.warn('event dead-lettered', {
        subscription: this.settings.name,
        seq: entry.seq,
        attempts: entry.attempts,
      });
      this.park(entry, 'dead');
      this.parkedInMemory.delete(entry.seq);
      if (!entry.redriven) {
        if (entry.key !== undefined) this.blockedKeys.delete(entry.key);
        this.queues.release(entry);
      }
    }
    this.afterSettle();
  }

  /** The attempt in flight for `entry` has ended (its outcome is handled by the caller). */
  private settledAttempt(entry: Entry): void {
    this.delivering--;
    if (this.awaiting.size > 0) this.awaiting.delete(entry);
  }

  private scheduleAttempt(entry: Entry, at: number): void {
    const delay = Math.max(0, at - this.settings.clock());
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      this.queues.pushReady(entry);
      this.pump();
    }, delay);
  }

  private timeOutLateDeliveries(): void {
    const deadline = this.settings.clock() - this.settings.timeoutMs;
    for (const entry of this.awaiting) {
      if (entry.startedAt > deadline) continue;
      const error = new DeliveryTimeoutError(this.settings.name, entry.seq, this.settings.timeoutMs);
      entry.controller?.abort(error);
      this.failed(entry, entry.current, error);
    }
  }

  private afterSettle(): void {
    this.dirty = true;
    this.scheduleCommit();
    this.pump();
    if (this.progress.held < this.settings.window / 2) this.wake();
  }

  // ---- committing -----------------------------------------------------------------------------

  private park(entry: Entry, state: ParkedState, nextAt?: number): void {
    entry.parked = state;
    entry.nextAt = nextAt ?? null;
    if (state !== 'dead') this.parkedInMemory.set(entry.seq, entry);
    this.toPark.push(entry);
    this.changing(entry.seq);
    this.dirty = true;
  }

  /**
   * Acknowledgements alone wait up to `ackDelayMs` to go together: nobody waits on them, and at
   * a low rate each would otherwise be an fsync'd commit of its own, in the writer's way when
   * the next publish comes (at 1,000 events/s that put most publishes behind one). Whatever
   * someone waits for goes this turn: a handler's published events, parked retries and dead
   * letters, an idle() caller, a window filling up.
   */
  private scheduleCommit(): void {
    if (this.commitScheduled || this.stopped) return;
    const urgent =
      this.toPublish.length > 0 ||
      this.toPark.length > 0 ||
      this.toUnpark.length > 0 ||
      this.idleWaiters.length > 0 ||
      this.progress.held >= this.settings.window / 2 ||
      this.settings.ackDelayMs === 0;
    if (!urgent) {
      this.ackTimer ??= setTimeout(() => {
        this.ackTimer = undefined;
        if (!this.committing && !this.stopped) void this.commit();
      }, this.settings.ackDelayMs);
      return;
    }
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      // After stop() the last commit has been made (and the store may be closed).
      if (!this.committing && !this.stopped) void this.commit();
    });
  }

  private async commit(): Promise<void> {
    this.dirty = false;
    const parkedNow = this.toPark;
    const unpark = this.toUnpark;
    const publish = this.toPublish;
    this.toPark = [];
    this.toUnpark = [];
    this.toPublish = [];
    // Parked rows land with the position in one commit, so they stop holding it now.
    for (const entry of parkedNow) this.progress.settle(entry);
    const position = this.progress.position;
    const ackedAbove = this.progress.ackedAbove();
    // An entry parked and then delivered successfully before this commit is parked no more: its
    // unpark is in this commit too, and a row built from it now would have no state.
    const park = parkedNow.filter((entry) => entry.parked !== undefined).map((entry) => this.row(entry));
    const done = this.log.commitDeliveries({
      subscription: this.settings.name,
      position,
      ackedAbove,
      park,
      unpark,
      publish: publish.length > 0 ? publish : undefined,
    });
    this.committing = done.then(
      () => {
        for (const entry of parkedNow) this.landed(entry.seq);
        for (const seq of unpark) this.landed(seq);
        if (publish.length > 0) this.settings.appended(new Set(publish.map((event) => event.type)));
      },
      (error) => this.fail(error),
    );
    await this.committing;
    this.committing = undefined;
    if (this.dirty) this.scheduleCommit();
    // Parked events left the window with the commit: it may have room to read more.
    if (this.progress.held < this.settings.window / 2) this.wake();
    this.checkIdle();
  }

  /** The next commit changes the parked row of `seq`. */
  private changing(seq: number): void {
    this.rowsInTransit.set(seq, (this.rowsInTransit.get(seq) ?? 0) + 1);
  }

  /** A commit changing the parked row of `seq` has landed. */
  private landed(seq: number): void {
    const left = (this.rowsInTransit.get(seq) ?? 1) - 1;
    if (left > 0) this.rowsInTransit.set(seq, left);
    else this.rowsInTransit.delete(seq);
    this.changedWhileReading?.add(seq);
  }

  private row(entry: Entry): ParkedDelivery {
    return {
      subscription: this.settings.name,
      seq: entry.seq,
      state: entry.parked as ParkedState,
      attempts: entry.attempts,
      nextAt: entry.nextAt,
      error: entry.error,
      firstFailedAt: entry.firstFailedAt,
      lastFailedAt: entry.lastFailedAt,
    };
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const quiet =
      this.progress.unsettled === 0 &&
      this.delivering === 0 &&
      !this.committing &&
      !this.commitScheduled &&
      !this.ackTimer &&
      !this.dirty;
    if (!quiet && !this.stopped) return;
    for (let i = this.idleWaiters.length - 1; i >= 0; i--) {
      const waiter = this.idleWaiters[i] as (typeof this.idleWaiters)[number];
      if (this.stopped || this.scannedTo >= waiter.target) {
        this.idleWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error;
    this.settings.logger.error('the store failed; the subscription stops and resumes from its last commit', {
      subscription: this.settings.name,
      error,
    });
    void this.stop();
  }
}

function newEntry(record: EventRecord, attempts: number, parked: ParkedState | undefined, redriven: boolean): Entry {
  return {
    seq: record.seq,
    key: record.subject ?? undefined,
    settled: true,
    record,
    attempts,
    parked,
    redriven,
    error: null,
    firstFailedAt: null,
    lastFailedAt: null,
    startedAt: 0,
    controller: undefined,
    timer: undefined,
    nextAt: null,
    current: undefined,
    outbox: undefined,
    nextOfKey: undefined,
    headsKey: false,
  };
}
