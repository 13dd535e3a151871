/**
 * Public types of Tutti's core.
 *
 * Glossary
 * - **service**: a named group of steps, usually one microservice (`inventory`, `payment`).
 * - **step**: one operation of a service (`inventory.reserve`): the unit that is executed, retried,
 *   timed out and journaled. Steps run at least once; `ctx.idempotencyKey` lets them be idempotent.
 * - **workflow**: a function that calls steps in order through its context; deterministic, so it
 *   can be replayed from its journal after a crash. Has a name and a version.
 * - **run**: one execution of a workflow, with an id (idempotent: starting an id again returns the
 *   same run), an input, a status and, when finished, an output or an error.
 * - **journal**: the append-only record of what a run's calls returned, by position; a replay
 *   returns recorded results instead of running steps again.
 * - **compensation**: the step that undoes a completed step (release a reservation); when a run
 *   fails, compensations of its completed steps run newest first (a saga).
 * - **child run**: a run started by another run, whose result the parent awaits.
 * - **timer**: a durable wake-up (the end of a sleep, the next attempt of a failed step).
 */
import type { CloudEvent } from '../bus/cloud-event.js';
import type { EventContract } from '../contracts/event-contract.js';
import type { Duration } from './duration.js';
import type { RetryOptions } from './retry-policy.js';

/** What a step's function receives besides its input. */
export interface StepContext {
  runId: string;
  /** 'service.step' */
  step: string;
  /** 1 for the first attempt. */
  attempt: number;
  /**
   * Same for every attempt and every replay of this step in this run: pass it to the service you
   * call so that an attempt repeated after a crash is not applied twice.
   */
  idempotencyKey: string;
  /** Aborted when the attempt times out or the run is cancelled. */
  signal: AbortSignal;
}

export type StepFunction<I = any, O = any> = (input: I, ctx: StepContext) => O | Promise<O>;

/** Options of one service, defaults for all its steps. */
export interface ServiceOptions {
  /** Attempts of this service's steps that may run at once in this process. @default 100 */
  concurrency?: number;
  /** Default retry policy of the service's steps. @default 3 attempts, exponential backoff from 100ms */
  retry?: RetryOptions;
  /** Default timeout of one attempt. @default none */
  timeout?: Duration;
}

/** A reference to a step of a service, passed to `ctx.step`. */
export interface StepRef<I = any, O = any> {
  readonly service: string;
  readonly step: string;
  /** 'service.step' */
  readonly name: string;
  readonly fn: StepFunction<I, O>;
}

/** How a completed step is undone if the run fails later. */
export type Compensation<O> = StepRef<O, unknown> | { step: StepRef<any, unknown>; input: (result: O) => unknown };

export interface StepCallOptions<O = unknown> {
  retry?: RetryOptions;
  /** Timeout of one attempt. */
  timeout?: Duration;
  /** Run this step if the run fails after this step completed (saga). */
  compensate?: Compensation<O>;
}

export interface ChildOptions {
  /** Id of the child run. @default `${parentRunId}/${position}` */
  id?: string;
}

/** The context a workflow function receives; every durable operation goes through it. */
export interface WorkflowContext {
  readonly runId: string;
  readonly workflow: string;
  readonly version: string;
  /** Runs a step (at least once; journaled; replayed from the journal after a crash). */
  step<I, O>(ref: StepRef<I, O>, input: I, options?: StepCallOptions<Awaited<O>>): Promise<Awaited<O>>;
  /** A durable sleep: survives restarts; resumes when due. */
  sleep(duration: Duration): Promise<void>;
  /** Starts a child run and waits for its result. */
  child<I, O>(workflow: WorkflowDefinition<I, O>, input: I, options?: ChildOptions): Promise<O>;
  /** The current time (epoch ms), recorded so a replay sees the same value. */
  now(): number;
  /** A number in [0, 1) that replays identically (seeded by the run id). */
  random(): number;
  /** A v4-format UUID that replays identically. */
  uuid(): string;
  /**
   * The journal position the run's next call takes. It is the same at the same point of every
   * replay, so a workflow can order a change made from outside while the run was paused against
   * its own progress: Conductor's skip task applies from the position the run was paused at.
   */
  position(): number;
  /**
   * Publishes an event from the workflow, in the same transaction as the run's journal (the
   * outbox): exactly once, even across crashes and replays. Resolves with the event's id once
   * it is durable. The data is validated against the contract first.
   */
  emit<T>(contract: EventContract<T>, data: T, options?: { key?: string }): Promise<string>;
  /**
   * Waits, durably, for an event of this contract's type published after the wait began, whose
   * subject is `key` (when given) and that `match` accepts (when given); its data is validated
   * against the contract (events that fail are skipped). Start the wait before the step that
   * causes the event: `const paid = ctx.waitForEvent(...); await ctx.step(charge, ...); await paid;`.
   * Throws EventWaitTimeoutError after `timeout`.
   */
  waitForEvent<T>(contract: EventContract<T>, options?: WaitForEventOptions<T>): Promise<CloudEvent<T>>;
  /**
   * Waits, durably, for the next signal `name` sent to this run (`tutti.signal(runId, name,
   * data)`), including signals sent before the wait began; each signal is taken once.
   * Throws EventWaitTimeoutError after `timeout`.
   */
  waitForSignal<T = unknown>(name: string, options?: { timeout?: Duration }): Promise<T>;
}

export interface WaitForEventOptions<T> {
  /** Only events with this subject (the ordering key). */
  key?: string;
  /** Only events whose data this accepts. It must be deterministic: its answer is journaled. */
  match?: (data: T) => boolean;
  /** Give up after this long (EventWaitTimeoutError). @default no timeout */
  timeout?: Duration;
}

export type WorkflowFunction<I = any, O = any> = (ctx: WorkflowContext, input: I) => Promise<O>;

export interface WorkflowOptions {
  /** Recorded with each run; a run resumes with the version it started with. @default '1' */
  version?: string;
}

export interface WorkflowDefinition<I = any, O = any> {
  readonly name: string;
  readonly version: string;
  readonly fn: WorkflowFunction<I, O>;
}

export type { Duration, RetryOptions };
