/**
 * The store port: everything Tutti keeps durably goes through these operations.
 *
 * Contract
 * - Operations are domain operations; no SQL, client or driver type crosses this port. Values
 *   that users supply (inputs, results, errors) cross it as JSON text, already validated by the
 *   engine, so an adapter never serializes user data itself.
 * - `createRun` and `commit` resolve only once their writes are durable. An adapter batches the
 *   writes issued close together (the same event-loop turn) into one transaction: a group commit,
 *   so durability costs one fsync per batch, not one per step. Each Transition is atomic: all of
 *   its writes land or none do; a batch that fails is retried one transition at a time so that
 *   one bad transition cannot fail its neighbours.
 * - Transitions of one run are applied in the order they were issued.
 * - Reads see every write whose promise has resolved.
 *
 * - The event log (event-log.ts) is part of the port: a transition's `publish` (the outbox) lands
 *   in the log in the same transaction as the run's state.
 * - So are the Conductor definitions (definitions.ts), by kind, name and version.
 * - And the server's API tokens (tokens.ts), by id.
 *
 * What it leaves out (later issues, designed to fit)
 * - Ownership of runs by engine nodes (leases on runs) for several nodes on PostgreSQL.
 * - Archival of finished runs and of old events.
 */
import type { DefinitionStore } from './definitions.js';
import type { EventLog, NewEvent } from './event-log.js';
import type { TokenStore } from './tokens.js';

/**
 * A run's life: in flight (the first four), paused (held by an operator: not resumed until told),
 * or finished (the last three).
 */
export type RunStatus =
  | 'running'
  | 'sleeping'
  | 'retrying'
  | 'compensating'
  | 'paused'
  | 'completed'
  | 'failed'
  | 'cancelled';

/** Statuses of runs that are not finished: the engine resumes these on start. */
export const IN_FLIGHT_STATUSES: readonly RunStatus[] = Object.freeze([
  'running',
  'sleeping',
  'retrying',
  'compensating',
]);

/** Statuses of runs that are not finished, paused ones included. */
export const UNFINISHED_STATUSES: readonly RunStatus[] = Object.freeze([...IN_FLIGHT_STATUSES, 'paused']);

/** Every status, in flight first. */
export const RUN_STATUSES: readonly RunStatus[] = Object.freeze([
  ...UNFINISHED_STATUSES,
  'completed',
  'failed',
  'cancelled',
]);

export function isFinished(status: RunStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

export interface NewRun {
  id: string;
  workflow: string;
  /** Version of the workflow definition the run started with; it is resumed with that version. */
  version: string;
  /** JSON text of the input, or null for none. */
  input: string | null;
  parentId: string | null;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface RunRecord extends NewRun {
  status: RunStatus;
  /** JSON text of the result once completed. */
  output: string | null;
  /** JSON text of the failure (a RecordedError, plus compensation failures) once failed or cancelled. */
  error: string | null;
  updatedAt: number;
}

/** What a journal entry records. */
export type JournalKind = 'step' | 'compensation' | 'sleep' | 'now' | 'child' | 'emit' | 'event' | 'signal';

/**
 * One completed operation of a run, at its position in the workflow's order of calls. The journal
 * is append-only: an entry is written once, when the operation has finished for good.
 */
export interface JournalEntry {
  runId: string;
  /** 0-based position of the call in the run (the order in which the workflow made its calls). */
  position: number;
  kind: JournalKind;
  /** What was called: 'service.step' for steps, the workflow name for children, the event type for emits, 'sleep', 'now'. */
  name: string;
  /** true: `output` holds the result as JSON text; false: it holds a RecordedError as JSON text. */
  ok: boolean;
  output: string | null;
  attempts: number;
  startedAt: number;
  finishedAt: number;
}

/** A durable wake-up: the end of a sleep, the next attempt of a failed step, or the deadline of a wait for an event. */
export interface TimerRecord {
  runId: string;
  position: number;
  kind: 'sleep' | 'retry' | 'wait';
  /** Epoch milliseconds at which the timer fires (Number.MAX_SAFE_INTEGER: never, a wait without timeout). */
  fireAt: number;
  /**
   * For 'retry': the attempt that runs when the timer fires. For 'wait': the log position the
   * wait started after (events up to it do not count), so a resumed wait looks from the same place.
   */
  attempt: number;
}

/** A unit of work for a worker outside the engine's process (remote workers), leased when claimed. */
export interface NewTask {
  id: string;
  /** The queue, usually a service name; workers claim from one queue. */
  queue: string;
  runId: string;
  position: number;
  name: string;
  input: string | null;
  attempt: number;
  /** Not claimable before this time (epoch ms). */
  visibleAt: number;
}

export interface TaskRecord extends NewTask {
  /** The worker holding the lease, if any (after an outcome: the worker that reported it). */
  workerId: string | null;
  leaseExpiresAt: number | null;
  /** What the worker reported (JSON text), or null while the task waits or runs. */
  outcome: string | null;
}

/**
 * One atomic state change of one run: append to its journal, change its status or outcome, set
 * or clear its timer, enqueue tasks. Everything in a transition lands in one transaction.
 */
export interface Transition {
  runId: string;
  at: number;
  journal?: JournalEntry[];
  status?: RunStatus;
  output?: string | null;
  error?: string | null;
  setTimer?: TimerRecord;
  /** Position of the timer to remove. */
  clearTimer?: number;
  /** Tasks to enqueue; an id already enqueued is left as it is (see Store.commit). */
  enqueue?: NewTask[];
  /** Ids of tasks to remove (their outcome is journaled by this transition, or abandoned). */
  dropTasks?: string[];
  /** Events to append to the log with this transition (the outbox): both land or neither does. */
  publish?: NewEvent[];
}

export interface ReopenRun {
  /** The first journal position to remove (0: the whole journal). */
  from: number;
  at: number;
  /** A new input (JSON text), for a rerun with other input. @default the run's input */
  input?: string | null;
}

export interface CreateRunResult {
  run: RunRecord;
  /** false when a run with this id already existed: `run` is that run, unchanged. */
  created: boolean;
}

/** What the engine needs to resume a run: the run, its journal in position order, its timers. */
export interface RunState {
  run: RunRecord;
  journal: JournalEntry[];
  timers: TimerRecord[];
}

export interface RunQuery {
  status?: readonly RunStatus[];
  workflow?: string;
  parentId?: string;
  /** Runs created strictly before this one (id of the last run of the previous page). */
  before?: string;
  /** @default 100 */
  limit?: number;
}

export interface Store extends EventLog, DefinitionStore, TokenStore {
  /** 'memory', 'sqlite', ...: for messages and benchmarks. */
  readonly kind: string;

  /** Creates a run unless one with the same id exists (idempotent start). Durable when resolved. */
  createRun(run: NewRun): Promise<CreateRunResult>;
  /**
   * Applies a transition atomically; durable when resolved. Throws UnknownRunError for an unknown
   * run. Tasks are dropped before new ones are enqueued; a transition to a finished status also
   * drops every task of the run.
   */
  commit(transition: Transition): Promise<void>;

  /**
   * Opens a run again from a journal position (an operator's retry or restart): removes its
   * journal entries, timers and tasks at or after `from`, clears its output and error, sets it
   * 'running' (and its input, when given), atomically. Throws UnknownRunError for an unknown run.
   */
  reopenRun(runId: string, reopen: ReopenRun): Promise<void>;

  getRun(id: string): Promise<RunRecord | undefined>;
  /** Runs, newest first. */
  listRuns(query?: RunQuery): Promise<RunRecord[]>;
  readRunState(id: string): Promise<RunState | undefined>;
  /** Timers due at or before `until`, earliest first, across all runs. */
  dueTimers(until: number, limit: number): Promise<TimerRecord[]>;

  /**
   * Claims up to `max` tasks of a queue for `workerId`, leased for `leaseMs`, oldest first: tasks
   * that are visible, have no outcome, and are unleased or whose lease has expired (redelivery).
   */
  claimTasks(queue: string, workerId: string, max: number, leaseMs: number, now: number): Promise<TaskRecord[]>;
  /** Extends a lease; false when the worker no longer holds it (expired, claimed by another, or reported). */
  extendTaskLease(taskId: string, workerId: string, leaseMs: number, now: number): Promise<boolean>;
  /**
   * Records a task's outcome (JSON text), durably, and ends its lease; false when the worker does
   * not hold the task (claimed by another since) or an outcome is already recorded: the result
   * must then be dropped. The task stays until a transition drops it.
   */
  completeTask(taskId: string, workerId: string, outcome: string): Promise<boolean>;
  /**
   * Hands a claimed task back (a stopping worker that has not started it): its lease ends at
   * `now` and it is unleased again, so that any worker (this one too) may claim it at once; its
   * id and attempt stay, as for a lease that ran out. False when the worker does not hold it at
   * `now`: its lease ran out, another worker claimed it, an outcome is recorded, or it is gone.
   */
  releaseTask(taskId: string, workerId: string, now: number): Promise<boolean>;
  getTask(taskId: string): Promise<TaskRecord | undefined>;
  /** Removes a task whatever its state (an abandoned attempt); false when there was none. */
  cancelTask(taskId: string): Promise<boolean>;

  /** Flushes pending writes and releases the store's resources; later calls throw StoreClosedError. */
  close(): Promise<void>;
}
