/**
 * The bookkeeping every live run needs, apart from what its calls do: its journal (recorded
 * outcomes by position, and what replay expects of them), its writes to the store and their
 * durability, its status, the calls it has in flight, and the durable wait for an event that
 * ctx.waitForEvent and ctx.waitForSignal share. LiveRun (live-run.ts) builds the workflow
 * context on top of it.
 */
import { type CloudEvent, toCloudEvent } from '../bus/cloud-event.js';
import type { EventContract } from '../contracts/event-contract.js';
import { type Duration, toMs } from '../core/duration.js';
import { EventWaitTimeoutError, NonDeterminismError, type RunCancelledError, StepFailedError } from '../core/errors.js';
import { childLogger, type Logger } from '../core/logger.js';
import { decode, type RecordedError, recordError, reviveError } from '../core/serialize.js';
import type { WorkflowDefinition } from '../core/types.js';
import type { EventRecord } from '../store/event-log.js';
import type { JournalEntry, JournalKind, RunStatus, Store, TimerRecord, Transition } from '../store/store.js';
import type { Cancellation } from './cancellation.js';
import type { Cause, PublishOptions } from './event-envelope.js';
import type { EventWaits } from './event-waits.js';
import type { TuttiEvents } from './events.js';
import type { Registry } from './registry.js';
import type { TaskQueue } from './task-queue.js';
import { Turns } from './turns.js';

export type Durability = 'strict' | 'pipelined';

/** What a run needs from its engine. */
export interface RunEnvironment {
  store: Store;
  registry: Registry;
  events: TuttiEvents;
  logger: Logger;
  durability: Durability;
  clock: () => number;
  /** Starts (or finds) a child run and returns its outcome once it is finished. */
  runChild(def: WorkflowDefinition, input: unknown, id: string, parentId: string): Promise<RunOutcome>;
  cancelRun(id: string, reason: string): Promise<void>;
  finished(run: RunJournal): void;
  /** The validated envelope of an event the run emits. */
  envelope<T>(contract: EventContract<T>, data: T, options: PublishOptions, cause: Cause): CloudEvent<T>;
  /** Events of these types were appended by a transition: wake their subscriptions. */
  appended(types: readonly string[]): void;
  /** Runs waiting for events. */
  waits: EventWaits;
  /** Where attempts of remote steps go. */
  tasks: TaskQueue;
}

/** How a run ended, as the run's handle reports it. */
export type RunOutcome =
  | { runId: string; status: 'completed'; output: unknown; json: string | null }
  | { runId: string; status: 'failed' | 'cancelled'; error: unknown; json: string };

/** The error JSON stored with a failed or cancelled run. */
export interface RunErrorRecord {
  error: RecordedError;
  compensationFailures?: { step: string; position: number; error: RecordedError }[];
}

/** Thrown into a run's pending calls when its engine shuts down: the run resumes on next start. */
export class Halted extends Error {}

export abstract class RunJournal {
  protected next = 0;
  protected lastRecorded = -1;
  protected readonly log: Logger;
  /** Positions whose timer is in the store: a finished run clears what cancellation left behind. */
  protected readonly storedTimers = new Set<number>();
  protected pendingWrites = 0;
  /** Held promises not settled yet (see hold). */
  private holds = 0;
  protected lastWrite: Promise<void> | undefined;
  protected inflight = 0;
  protected onIdle: (() => void) | undefined;
  protected cancelled: RunCancelledError | undefined;
  protected halted = false;
  protected fatal: unknown;
  protected sleeps = 0;
  protected retries = 0;
  protected compensating = false;
  protected status: RunStatus;
  /** The order in which outcomes go back to the workflow (see turns.ts). */
  protected readonly turns: Turns;

  constructor(
    protected readonly env: RunEnvironment,
    readonly def: WorkflowDefinition,
    readonly runId: string,
    status: RunStatus,
    protected readonly journal: Map<number, JournalEntry>,
    protected readonly timers: Map<number, TimerRecord>,
  ) {
    this.status = status;
    this.turns = new Turns(journal.values());
    for (const position of journal.keys()) if (position > this.lastRecorded) this.lastRecorded = position;
    for (const position of timers.keys()) this.storedTimers.add(position);
    this.log = childLogger(env.logger, { runId, workflow: def.name });
  }

  /** Stops the run without recording an outcome (engine shutdown); it resumes on next start. */
  abstract halt(): void;

  // ---- journal and durability -----------------------------------------------------------------

  protected write(t: Partial<Transition>, trackStatus = true): Promise<void> {
    const transition = t as Transition;
    transition.runId = this.runId;
    transition.at = this.env.clock();
    if (t.clearTimer !== undefined) this.storedTimers.delete(t.clearTimer);
    if (t.setTimer) this.storedTimers.add(t.setTimer.position);
    if (trackStatus) {
      const status = this.compensating
        ? 'compensating'
        : this.sleeps > 0
          ? 'sleeping'
          : this.retries > 0
            ? 'retrying'
            : 'running';
      if (status !== this.status) transition.status = this.status = status;
    }
    const written = this.env.store.commit(transition);
    this.pendingWrites++;
    // Writes of a run land in order, so the newest stands for all; a held promise (see hold) does not.
    this.lastWrite = this.holds > 0 ? Promise.all([this.lastWrite, written]).then(noop) : written;
    written.then(this.written, this.writeRefused);
    return written;
  }

  // Created once per run, not per write: the write path is the engine's hottest.
  private readonly written = () => {
    this.pendingWrites--;
  };

  private readonly writeRefused = (error: unknown) => {
    this.pendingWrites--;
    this.log.error('the store refused a write; the run stops here and resumes on next start', { error });
    if (!this.fatal) this.fatal = error;
    this.halt();
  };

  /**
   * Counts `promise` as a pending write: effects that wait for durability wait for it too. For a
   * write whose content needs an asynchronous read first (a wait's start position in the log),
   * so that nothing slips in between the call and its record.
   */
  protected hold(promise: Promise<void>): void {
    this.pendingWrites++;
    this.holds++;
    this.lastWrite = this.lastWrite ? Promise.all([this.lastWrite, promise]).then(noop) : promise;
    const release = () => {
      this.holds--;
    };
    promise.then(release, release);
    promise.then(this.written, this.writeRefused);
  }

  /**
   * A durable wait for an event: its start position in the log and its deadline are kept as a
   * timer, so a resumed run looks again from the same position; the event found (or the timeout)
   * is journaled, so a replay returns it without looking.
   */
  protected async awaitEvent(
    kind: 'event' | 'signal',
    name: string,
    type: string,
    after: number | undefined,
    accept: (record: EventRecord) => boolean,
    timeout: Duration | undefined,
    what: string,
    cancellation: Cancellation,
  ): Promise<{ seq: number; event: CloudEvent }> {
    const call = kind === 'event' ? 'ctx.waitForEvent' : 'ctx.waitForSignal';
    const timeoutMs = timeout === undefined ? undefined : toMs(timeout, `${call}: timeout`);
    this.inflight++;
    const position = this.next++;
    try {
      const recorded = this.journal.get(position);
      if (recorded) {
        this.expect(position, recorded, kind, name);
        if (!recorded.ok) throw reviveError(JSON.parse(recorded.output as string) as RecordedError);
        return this.handBack(position, JSON.parse(recorded.output as string) as { seq: number; event: CloudEvent });
      }
      this.throwIfStopped();
      const startedAt = this.env.clock();
      const restored = this.timers.get(position);
      let from = restored?.attempt ?? after ?? 0;
      const until = restored?.fireAt ?? (timeoutMs === undefined ? Number.MAX_SAFE_INTEGER : startedAt + timeoutMs);
      this.sleeps++;
      try {
        if (!restored) {
          // Held as a write: a step after this call waits until the wait's start is durable.
          const registered = (async () => {
            if (after === undefined) from = await this.env.store.lastSeq();
            await this.write({ setTimer: { runId: this.runId, position, kind: 'wait', fireAt: until, attempt: from } });
          })();
          this.hold(registered);
          await registered;
        }
        const found = await this.env.waits.wait({ type, after: from, accept, until, cancellation });
        if (found === 'timeout') {
          const error = new EventWaitTimeoutError(what, timeoutMs ?? 0);
          const failure = JSON.stringify(recordError(error));
          this.write({
            journal: [this.entry(position, kind, name, false, failure, 1, startedAt)],
            clearTimer: position,
          });
          throw error;
        }
        const result = { seq: found.seq, event: toCloudEvent(found) };
        this.write({
          journal: [this.entry(position, kind, name, true, JSON.stringify(result), 1, startedAt)],
          clearTimer: position,
        });
        return this.handBack(position, result);
      } finally {
        this.sleeps--;
      }
    } catch (error) {
      return this.handBackError(position, error);
    } finally {
      this.callSettled();
    }
  }

  /** Resolves when every write issued so far is durable (writes of a run land in order). */
  protected durable(): Promise<void> | undefined {
    return this.pendingWrites > 0 ? this.lastWrite : undefined;
  }

  /** True once halted: the run goes on, if at all, in another instance. */
  isHalted(): boolean {
    return this.halted;
  }

  /** Resolves once every write the run issued has landed (or failed): for a halted run, its journal is then whole in the store. */
  async settled(): Promise<void> {
    await this.durable()?.catch(noop);
  }

  protected entry(
    position: number,
    kind: JournalKind,
    name: string,
    ok: boolean,
    output: string | null,
    attempts: number,
    startedAt: number,
  ): JournalEntry {
    const finishedAt = this.turns.stamp(this.env.clock(), position, kind);
    return { runId: this.runId, position, kind, name, ok, output, attempts, startedAt, finishedAt };
  }

  protected replayed(entry: JournalEntry): unknown {
    if (entry.ok) return decode(entry.output);
    const cause = reviveError(JSON.parse(entry.output as string) as RecordedError);
    throw new StepFailedError(entry.name, entry.attempts, cause);
  }

  protected expect(position: number, recorded: JournalEntry, kind: JournalKind, name: string): void {
    if (recorded.kind === kind && recorded.name === name) return;
    this.diverged(
      position,
      `the journal recorded ${recorded.kind} '${recorded.name}' but the workflow now calls ${kind} '${name}'`,
    );
  }

  protected checkJournalConsumed(): void {
    if (this.lastRecorded >= this.next) {
      const entry = this.journal.get(this.lastRecorded) as JournalEntry;
      this.diverged(
        this.next,
        `the workflow returned, but the journal has ${entry.kind} '${entry.name}' at position ${entry.position}`,
      );
    }
  }

  protected diverged(position: number, what: string): never {
    const error = new NonDeterminismError(
      `run '${this.runId}' of workflow '${this.def.name}' (version '${this.def.version}'): replay diverged at position ${position}: ${what}. ` +
        'The workflow code changed while the run was in flight: register the changed code as a new version ' +
        "(defineWorkflow(name, fn, { version: '2' })) and keep the old version until its runs finish.",
      position,
    );
    this.fatal ??= error;
    throw error;
  }

  /**
   * `value`, the outcome of the call at `position`, as it goes back to the workflow: at once, or
   * in its turn (turns.ts). Called inside the call, which still counts in `inflight`: it is alone
   * when it is the only one. Returned from the call's async function, a value costs no extra tick.
   */
  protected handBack<T>(position: number, value: T): T | Promise<T> {
    const turn = this.turns.turn(position, this.inflight === 1);
    return turn ? turn.then(() => value) : value;
  }

  /** The failure of the call at `position`, thrown in its turn (see handBack). */
  protected handBackError(position: number, error: unknown): Promise<never> {
    const turn = this.turns.turn(position, this.inflight === 1);
    if (turn) return turn.then(() => Promise.reject(error));
    throw error;
  }

  protected throwIfStopped(): void {
    if (this.fatal) throw this.fatal;
    if (this.cancelled) throw this.cancelled;
    if (this.halted) throw new Halted();
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  /** A context call has settled (the workflow may not await it: whenIdle waits for these). */
  protected callSettled(): void {
    if (--this.inflight === 0 && this.onIdle) {
      const idle = this.onIdle;
      this.onIdle = undefined;
      idle();
    }
  }

  /** Waits for calls the workflow started but did not await (their effects are under way). */
  protected whenIdle(): Promise<void> | undefined {
    if (this.inflight === 0) return undefined;
    return new Promise((resolve) => {
      this.onIdle = resolve;
    });
  }
}

const noop = (): void => {};
