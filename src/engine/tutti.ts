/**
 * A Tutti instance: the engine over one store. It starts runs (idempotently by id), keeps the
 * runs of this process live in memory, resumes interrupted runs when it starts, and answers
 * questions about runs.
 */
import { randomUUID } from 'node:crypto';
import type { Bus } from '../bus/bus.js';
import { createEmbeddedBus } from '../bus/embedded/embedded-bus.js';
import type { EventContract } from '../contracts/event-contract.js';
import {
  ConfigError,
  RunCancelledError,
  RunConflictError,
  RunStateError,
  StoreClosedError,
  UnknownRunError,
} from '../core/errors.js';
import { type Logger, silentLogger } from '../core/logger.js';
import { decode, encode, recordError } from '../core/serialize.js';
import type { WorkflowDefinition } from '../core/types.js';
import { openStore } from '../store/open-store.js';
import { IN_FLIGHT_STATUSES, isFinished, type RunQuery, type RunRecord, type Store } from '../store/store.js';
import { EnvelopeFactory, type PublishOptions } from './event-envelope.js';
import { EventRuntime, eventRegistry, type Published, type StartRun } from './event-runtime.js';
import { EventWaits } from './event-waits.js';
import { TuttiEvents } from './events.js';
import { type Durability, LiveRun, type RunEnvironment, type RunErrorRecord, type RunOutcome } from './live-run.js';
import { Registry } from './registry.js';
import { checkPausable, checkPaused, restartPosition, retryPosition } from './run-control.js';
import { type RunHandle, RunHandles, type RunInfo, storedOutcome, toInfo } from './run-handles.js';
import type { AnyService } from './service.js';
import { type SignalOptions, signalEvent } from './signals.js';
import type { SubscriberDefinition } from './subscriber.js';
import { TaskQueue } from './task-queue.js';

export interface TuttiOptions {
  /**
   * Where runs are kept: a store URL ('sqlite:./tutti.db', 'memory:') or a Store instance.
   * @default 'sqlite:./tutti.db'
   */
  store?: string | Store;
  /** The services whose steps workflows call. @default [] */
  services?: readonly AnyService[];
  /** The workflows this instance can start and resume (several versions of one name are fine). @default [] */
  workflows?: readonly WorkflowDefinition<any, any>[];
  /** Where the engine logs; silent by default. @default silentLogger */
  logger?: Logger;
  /**
   * 'strict': a step starts only once everything the run recorded before it is durable, so a
   * crash can never make a step run with inputs that were not kept. 'pipelined': steps start at
   * once and their records reach the disk with the next batch; a crash can re-run a few steps of a
   * run with recomputed inputs (under the same idempotency key). Run outcomes are durable before
   * they are reported in both modes.
   * @default 'strict'
   */
  durability?: Durability;
  /** Resume the runs that were in flight when the store was last used. @default true */
  resume?: boolean;
  /** Contracts of the events this instance publishes (others are registered when first published). @default [] */
  events?: readonly EventContract<any>[];
  /** Subscribers this instance runs, each with the contract version it reads. @default [] */
  subscribers?: readonly SubscriberDefinition[];
  /** Where events travel. @default the embedded bus on `store` */
  bus?: Bus;
  /** The CloudEvents `source` of the events this instance publishes. @default '/tutti' */
  source?: string;
  /** Largest event data accepted at publish, in bytes of JSON. @default 262144 (256 KiB) */
  maxEventBytes?: number;
}

export interface StartOptions {
  /** The run's id: starting an id that exists returns that run instead of a new one. @default a random UUID */
  id?: string;
}

export type { RunHandle, RunInfo } from './run-handles.js';

export interface Tutti {
  readonly store: Store;
  readonly events: TuttiEvents;
  /** The bus events travel on (subscriptions, dead letters, redrive, replay). */
  readonly bus: Bus;
  /** The task queue of remote steps (remoteService): what a server's worker endpoints poll and report to. */
  readonly tasks: TaskQueue;
  /**
   * Validates `data` against the contract and publishes it; resolves once it is durable.
   * @example await tutti.publish(OrderPlaced, order, { key: order.orderId });
   */
  publish<T>(contract: EventContract<T>, data: T, options?: PublishOptions): Promise<Published>;
  /**
   * Sends a signal to a run: `ctx.waitForSignal(name)` in that run takes it (now, or when it
   * next waits for one). Durable when resolved.
   * @example await tutti.signal('expense-42', 'approve', { by: 'ann' });
   */
  signal(runId: string, name: string, data?: unknown, options?: SignalOptions): Promise<Published>;
  /**
   * Adds workflows (new names or new versions) to this running instance: a server registering
   * definitions while it runs. The same definition again is a no-op.
   * @example tutti.addWorkflows([conductorWorkflow(def, { workers })]);
   */
  addWorkflows(workflows: readonly WorkflowDefinition<any, any>[]): void;
  /** Runs resumed when this instance started. */
  readonly resumed: readonly string[];
  /**
   * Starts a run, or returns the existing run with the same id.
   * @example const run = await tutti.start(placeOrder, order, { id: `order-${order.id}` });
   */
  start<I, O>(workflow: WorkflowDefinition<I, O> | string, input: I, options?: StartOptions): Promise<RunHandle<O>>;
  /** A handle on an existing run. Throws UnknownRunError if there is none. */
  handle<O = unknown>(runId: string): Promise<RunHandle<O>>;
  getRun(runId: string): Promise<RunInfo | undefined>;
  listRuns(query?: RunQuery): Promise<RunInfo[]>;
  cancel(runId: string, reason?: string): Promise<void>;
  /**
   * Holds a run in flight where it is (status 'paused') until `resume`; steps under way in this
   * process are abandoned (and run again on resume), remote tasks stay with their workers.
   */
  pause(runId: string): Promise<void>;
  /** Carries on a paused run from its journal. */
  resume(runId: string): Promise<void>;
  /**
   * Makes `change` while run `runId` stands still, then carries the run on from its journal. As
   * pause does, it stops the run's live instance here (steps under way are abandoned and run
   * again; remote tasks stay with their workers), but the stored status is left alone, so a crash
   * during the change leaves the run to resume on the next start. For changes that must be
   * ordered against the run's progress: Conductor's skip task records the journal position.
   */
  whileHeld<T>(runId: string, change: () => Promise<T>): Promise<T>;
  /** Runs a failed or cancelled run again from its last failed call (retrying a failed child run too). */
  retry<O = unknown>(runId: string): Promise<RunHandle<O>>;
  /**
   * Runs a finished run again: from the start, with the same input or `input`; or from journal
   * position `from`, replaying the calls before it (retrying a failed child run too).
   */
  restart<O = unknown>(runId: string, options?: { input?: unknown; from?: number }): Promise<RunHandle<O>>;
  /** Stops live runs where they are (they resume on next start), flushes and closes the store. */
  close(): Promise<void>;
}

/**
 * Creates a Tutti instance: opens (and migrates) the store, registers services and workflows,
 * and resumes the runs that were in flight.
 *
 * @example
 * const tutti = await createTutti({ store: 'sqlite:./tutti.db', services: [inventory, payment], workflows: [placeOrder] });
 */
export async function createTutti(options: TuttiOptions = {}): Promise<Tutti> {
  const durability = options.durability ?? 'strict';
  if (durability !== 'strict' && durability !== 'pipelined') {
    throw new ConfigError(`durability: '${durability}' is not a mode; use 'strict' or 'pipelined'`);
  }
  const registry = new Registry(options.services ?? [], options.workflows ?? []);
  const subscribers = options.subscribers ?? [];
  const contracts = eventRegistry(options.events ?? [], subscribers);
  const maxEventBytes = options.maxEventBytes ?? 262_144;
  if (!Number.isInteger(maxEventBytes) || maxEventBytes < 1) {
    throw new ConfigError(`maxEventBytes: ${maxEventBytes} is not a positive whole number of bytes`);
  }
  const logger = options.logger ?? silentLogger;
  const store =
    typeof options.store === 'object' ? options.store : await openStore(options.store ?? 'sqlite:./tutti.db');
  const waits = new EventWaits(store, 500, Date.now);
  const bus = options.bus ?? createEmbeddedBus(store, { logger, appended: (types) => waits.notify(types) });
  // The embedded bus made here tells the waits of every event it appends; a bus passed in does
  // not know them, so the engine tells them of what it publishes itself.
  const notifyWaits = options.bus ? (types: Iterable<string>) => waits.notify(types) : () => {};
  const envelopes = new EnvelopeFactory(options.source ?? '/tutti', maxEventBytes, Date.now);
  const engine = new Engine(
    store,
    registry,
    logger,
    durability,
    waits,
    notifyWaits,
    options.source ?? '/tutti',
    (start) => new EventRuntime(bus, contracts, envelopes, start),
  );
  if (options.resume ?? true) await engine.resumeInterruptedRuns();
  await engine.eventRuntime.start(subscribers);
  return engine;
}

class Engine implements Tutti {
  readonly events = new TuttiEvents();
  readonly resumed: string[] = [];
  readonly eventRuntime: EventRuntime;
  readonly tasks: TaskQueue;
  private readonly live = new Map<string, LiveRun>();
  private readonly handles: RunHandles;
  /** Runs held still by whileHeld: nothing resumes them until the change is made. */
  private readonly held = new Set<string>();
  /** Runs retried in this process: a child run of theirs that failed is retried when they call it again. */
  private readonly retrying = new Set<string>();
  private readonly env: RunEnvironment;
  private closed = false;

  constructor(
    readonly store: Store,
    registry: Registry,
    private readonly logger: Logger,
    durability: Durability,
    private readonly waits: EventWaits,
    private readonly notifyWaits: (types: Iterable<string>) => void,
    private readonly source: string,
    events: (start: StartRun) => EventRuntime,
  ) {
    this.eventRuntime = events(async (workflow, input, id) => {
      await this.start(workflow, input, { id });
    });
    this.tasks = new TaskQueue(store, Date.now);
    this.handles = new RunHandles({
      store,
      live: (runId) => {
        const live = this.live.get(runId);
        return live?.isHalted() ? undefined : live;
      },
      held: (runId) => this.held.has(runId),
      closed: () => this.closed,
      getRun: (runId) => this.getRun(runId),
      cancel: (runId, reason) => this.cancel(runId, reason),
    });
    this.env = {
      store,
      registry,
      events: this.events,
      logger,
      durability,
      clock: Date.now,
      runChild: (def, input, id, parentId) => this.runChild(def, input, id, parentId),
      cancelRun: (id, reason) => this.cancel(id, reason),
      finished: (run) => {
        if (this.live.get(run.runId) === run) this.live.delete(run.runId);
        this.retrying.delete(run.runId);
      },
      envelope: (contract, data, options, cause) => this.eventRuntime.envelope(contract, data, options, cause),
      appended: (types) => {
        this.eventRuntime.bus.appended(types);
        notifyWaits(types);
      },
      waits,
      tasks: this.tasks,
    };
  }

  get bus(): Bus {
    return this.eventRuntime.bus;
  }

  async publish<T>(contract: EventContract<T>, data: T, options?: PublishOptions): Promise<Published> {
    if (this.closed) throw new StoreClosedError();
    const published = await this.eventRuntime.publish(contract, data, options);
    this.notifyWaits([contract.type]);
    return published;
  }

  async signal(runId: string, name: string, data?: unknown, options: SignalOptions = {}): Promise<Published> {
    if (this.closed) throw new StoreClosedError();
    if (options.id !== undefined && (typeof options.id !== 'string' || options.id === '')) {
      throw new ConfigError(`signal id: must be a non-empty string; got ${JSON.stringify(options.id)}`);
    }
    const event = signalEvent(runId, name, data, this.source, Date.now(), options.id);
    const [result] = await this.eventRuntime.bus.publish([event]);
    this.notifyWaits([event.type]);
    return { id: event.id, seq: result?.seq as number };
  }

  async start<I, O>(
    workflow: WorkflowDefinition<I, O> | string,
    input: I,
    options: StartOptions = {},
  ): Promise<RunHandle<O>> {
    const def = this.env.registry.workflowToStart(workflow);
    return this.startRun(def, input, options.id ?? randomUUID(), null) as Promise<RunHandle<O>>;
  }

  async handle<O>(runId: string): Promise<RunHandle<O>> {
    const live = this.live.get(runId);
    if (live) return this.handles.live(live, false) as RunHandle<O>;
    const run = await this.store.getRun(runId);
    if (!run) throw new UnknownRunError(runId);
    return this.handles.stored(run, false) as RunHandle<O>;
  }

  async getRun(runId: string): Promise<RunInfo | undefined> {
    const run = await this.store.getRun(runId);
    return run && toInfo(run);
  }

  async listRuns(query?: RunQuery): Promise<RunInfo[]> {
    return (await this.store.listRuns(query)).map(toInfo);
  }

  async cancel(runId: string, reason?: string): Promise<void> {
    const live = this.live.get(runId);
    if (live) {
      live.cancel(reason);
      await live.done.catch(() => {});
      return;
    }
    const run = await this.store.getRun(runId);
    if (!run) throw new UnknownRunError(runId);
    if (isFinished(run.status)) return;
    // In flight but not live here (its workflow version is not registered): record the decision.
    const error: RunErrorRecord = { error: recordError(new RunCancelledError(runId, reason)) };
    await this.store.commit({ runId, at: Date.now(), status: 'cancelled', error: JSON.stringify(error) });
    this.handles.changed(runId);
  }

  async pause(runId: string): Promise<void> {
    const run = await this.storedRun(runId);
    if (run.status === 'paused') return;
    checkPausable(run);
    if (this.held.has(runId)) throw new RunStateError(runId, 'is held for a change; try again');
    this.held.add(runId);
    try {
      await this.halt(runId);
      await this.store.commit({ runId, at: Date.now(), status: 'paused' });
    } finally {
      this.held.delete(runId);
    }
  }

  async whileHeld<T>(runId: string, change: () => Promise<T>): Promise<T> {
    const run = await this.storedRun(runId);
    if (isFinished(run.status)) throw new RunStateError(runId, `is ${run.status}; only a run in flight can be held`);
    if (this.held.has(runId)) throw new RunStateError(runId, 'is held for another change; try again');
    this.held.add(runId);
    try {
      await this.halt(runId);
      return await change();
    } finally {
      // Resumed while still marked held, so that nobody sees it neither held nor live.
      await this.resumeRun(runId, true);
      this.held.delete(runId);
    }
  }

  /** Stops the run's live instance in this process, if any, once its writes have landed. */
  private async halt(runId: string): Promise<void> {
    const live = this.live.get(runId);
    if (!live) return;
    live.halt();
    await live.done.catch(() => {});
    await live.settled();
    if (this.live.get(runId) === live) this.live.delete(runId);
  }

  async resume(runId: string): Promise<void> {
    checkPaused(await this.storedRun(runId));
    await this.store.commit({ runId, at: Date.now(), status: 'running' });
    await this.resumeRun(runId);
  }

  async retry<O>(runId: string): Promise<RunHandle<O>> {
    const state = await this.store.readRunState(runId);
    if (!state) throw new UnknownRunError(runId);
    await this.store.reopenRun(runId, { from: retryPosition(state), at: Date.now() });
    // Its child runs that failed are retried with it when it calls them again (runChild).
    this.retrying.add(runId);
    await this.resumeRun(runId);
    return this.handle(runId);
  }

  async restart<O>(runId: string, options: { input?: unknown; from?: number } = {}): Promise<RunHandle<O>> {
    const state = await this.store.readRunState(runId);
    if (!state) throw new UnknownRunError(runId);
    const from = restartPosition(state, options.from, options.input !== undefined);
    const input =
      options.input === undefined ? undefined : (encode(options.input, `the input of run '${runId}'`).json ?? null);
    await this.store.reopenRun(runId, { from, at: Date.now(), input });
    this.retrying.add(runId);
    await this.resumeRun(runId);
    return this.handle(runId);
  }

  private async storedRun(runId: string): Promise<RunRecord> {
    const run = await this.store.getRun(runId);
    if (!run) throw new UnknownRunError(runId);
    return run;
  }

  addWorkflows(workflows: readonly WorkflowDefinition<any, any>[]): void {
    this.env.registry.addWorkflows(workflows);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handles.changed();
    await this.eventRuntime.close();
    this.waits.close();
    const runs = [...this.live.values()];
    for (const run of runs) run.halt();
    await Promise.allSettled(runs.map((run) => run.done));
    await this.store.close();
  }

  /** Resumes every run left in flight: replays each from its journal and carries on. */
  async resumeInterruptedRuns(): Promise<void> {
    let before: string | undefined;
    for (;;) {
      const page = await this.store.listRuns({ status: IN_FLIGHT_STATUSES, before, limit: 500 });
      for (const run of page) {
        if (!this.live.has(run.id)) await this.resumeRun(run.id);
      }
      if (page.length < 500) return;
      before = page[page.length - 1]?.id;
    }
  }

  // ---- internals ------------------------------------------------------------------------------

  private async startRun(
    def: WorkflowDefinition,
    input: unknown,
    id: string,
    parentId: string | null,
  ): Promise<RunHandle> {
    if (this.closed) throw new StoreClosedError();
    const existing = this.live.get(id);
    if (existing) return this.handles.live(this.sameWorkflow(existing.def.name, def, id) && existing, false);
    const encoded = encode(input, `the input of workflow '${def.name}'`);
    const run = new LiveRun(this.env, def, id, 'running');
    this.live.set(id, run);
    let created: boolean;
    let stored: RunRecord;
    try {
      ({ created, run: stored } = await this.store.createRun({
        id,
        workflow: def.name,
        version: def.version,
        input: encoded.json ?? null,
        parentId,
        createdAt: Date.now(),
      }));
    } catch (error) {
      this.live.delete(id);
      throw error;
    }
    if (!created) {
      this.live.delete(id);
      this.sameWorkflow(stored.workflow, def, id);
      if (!isFinished(stored.status)) await this.resumeRun(id);
      return this.handle(id);
    }
    this.events.emit('run:started', () => ({ runId: id, workflow: def.name }));
    void run.execute(encoded.value);
    return this.handles.live(run, true);
  }

  private sameWorkflow(storedName: string, def: WorkflowDefinition, id: string): true {
    if (storedName !== def.name) {
      throw new RunConflictError(
        `run id '${id}' belongs to a run of workflow '${storedName}', not '${def.name}'; choose another id`,
      );
    }
    return true;
  }

  /** Makes a stored run live and carries it on from its journal; a paused or held run stays where it is. */
  private async resumeRun(runId: string, releasingHold = false): Promise<void> {
    const state = await this.store.readRunState(runId);
    if (!state || isFinished(state.run.status) || state.run.status === 'paused') return;
    if (this.live.has(runId) || (this.held.has(runId) && !releasingHold)) return;
    const { run } = state;
    const def = this.env.registry.workflowVersion(run.workflow, run.version);
    if (!def) {
      this.logger.error(
        `run '${run.id}' cannot resume: workflow '${run.workflow}' version '${run.version}' is not registered; register that version to resume it`,
        { runId: run.id },
      );
      return;
    }
    const journal = new Map(state.journal.map((entry) => [entry.position, entry]));
    const timers = new Map(state.timers.map((timer) => [timer.position, timer]));
    const live = new LiveRun(this.env, def, run.id, run.status, journal, timers);
    this.live.set(run.id, live);
    this.handles.changed(run.id);
    this.resumed.push(run.id);
    this.events.emit('run:resumed', () => ({ runId: run.id, workflow: run.workflow }));
    void live.execute(decode(run.input));
  }

  private async runChild(def: WorkflowDefinition, input: unknown, id: string, parentId: string): Promise<RunOutcome> {
    // A child of an unregistered workflow would run now but could not resume after a restart.
    this.env.registry.workflowToStart(def);
    if (this.retrying.has(parentId)) {
      const stored = await this.store.getRun(id);
      if (stored?.status === 'failed' || stored?.status === 'cancelled') await this.retry(id);
    }
    const handle = await this.startRun(def, input, id, parentId);
    const live = this.live.get(handle.id);
    if (live) return live.done;
    const run = (await this.store.getRun(handle.id)) as RunRecord;
    return storedOutcome(run);
  }
}
