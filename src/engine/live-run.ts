/**
 * One run, live in memory: it calls the workflow function once and serves its context.
 *
 * - Each context call takes the next position. If the journal (loaded on recovery) has that
 *   position, the recorded outcome is returned and nothing runs again; a recorded call of another
 *   kind or name is a divergence and fails the run naming the position.
 * - Otherwise the call runs live and its outcome is appended to the journal through the store's
 *   group commit. The workflow function itself may run ahead of durability (it is deterministic
 *   and has no effects), but every side effect waits until the run's earlier writes are durable:
 *   a step attempt, a child start (in 'strict' durability) and the run's final outcome (always).
 *   So no effect ever depends on state a crash could lose, and a run costs one fsync'd batch per
 *   sequential step, shared with every other run in flight.
 * - The function runs once per process; replay happens only when a run is resumed.
 */

import { type CloudEvent, toNewEvent } from '../bus/cloud-event.js';
import type { EventContract } from '../contracts/event-contract.js';
import { toMs } from '../core/duration.js';
import {
  NonDeterminismError,
  RunCancelledError,
  RunFailedError,
  SerializationError,
  StepFailedError,
} from '../core/errors.js';
import { seededRandom, uuidFrom } from '../core/random.js';
import { backoffDelay, isRetryable, resolveRetry } from '../core/retry-policy.js';
import { decode, type Encoded, encode, recordError, reviveError } from '../core/serialize.js';
import type {
  ChildOptions,
  Duration,
  StepCallOptions,
  StepContext,
  StepRef,
  WaitForEventOptions,
  WorkflowContext,
  WorkflowDefinition,
} from '../core/types.js';
import type { EventRecord } from '../store/event-log.js';
import type { JournalEntry, RunStatus, TimerRecord, Transition } from '../store/store.js';
import { Cancellation } from './cancellation.js';
import type { ServiceRuntime } from './registry.js';
import { Halted, type RunEnvironment, type RunErrorRecord, RunJournal, type RunOutcome } from './run-journal.js';
import { signalType } from './signals.js';
import { attemptStep, idempotencyKey } from './step-attempt.js';
import { TaskQueue } from './task-queue.js';
import { abortable, waitUntil } from './wait.js';

interface PendingCompensation {
  ref: StepRef;
  input: unknown;
}

export class LiveRun extends RunJournal {
  readonly ctx: WorkflowContext;
  readonly done: Promise<RunOutcome>;
  private resolveDone!: (outcome: RunOutcome) => void;
  private rejectDone!: (error: unknown) => void;

  private readonly compensations = new Map<number, PendingCompensation>();
  private readonly children = new Set<string>();
  /** Per signal name, the seq of the last signal this run took: the next wait starts after it. */
  private readonly signalsTaken = new Map<string, number>();
  private readonly random: () => number;

  private readonly cancellation = new Cancellation();
  /** Aborted by halt() only: compensations ignore cancellation but must stop on shutdown. */
  private readonly shutdown = new Cancellation();

  constructor(
    env: RunEnvironment,
    def: WorkflowDefinition,
    runId: string,
    status: RunStatus,
    journal: Map<number, JournalEntry> = new Map(),
    timers: Map<number, TimerRecord> = new Map(),
  ) {
    super(env, def, runId, status, journal, timers);
    this.random = seededRandom(runId);
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    this.done.catch(() => {}); // observed through handles; an unobserved halt is not an error
    this.ctx = Object.freeze({
      runId,
      workflow: def.name,
      version: def.version,
      step: (ref, input, options) => this.step(ref, input, options),
      sleep: (duration) => this.sleep(duration),
      child: (workflow, input, options) => this.child(workflow, input, options),
      now: () => this.now(),
      random: () => this.random(),
      uuid: () => uuidFrom(this.random),
      position: () => this.next,
      emit: (contract, data, options) => this.emit(contract, data, options),
      waitForEvent: (contract, options) => this.waitForEvent(contract, options),
      waitForSignal: (name, options) => this.waitForSignal(name, options),
    } satisfies WorkflowContext);
  }

  /** Runs the workflow function to its end and records the outcome. */
  async execute(input: unknown): Promise<void> {
    let output: unknown;
    try {
      output = await this.def.fn(this.ctx, input);
      if (this.fatal) throw this.fatal;
      if (this.cancelled) throw this.cancelled;
      this.checkJournalConsumed();
    } catch (error) {
      await this.fail(error);
      return;
    }
    let encoded: ReturnType<typeof encode>;
    try {
      encoded = encode(output, `the result of workflow '${this.def.name}'`);
    } catch (error) {
      await this.fail(error);
      return;
    }
    await this.whenIdle();
    if (this.halted) return this.rejectDone(new Halted());
    const json = encoded.json ?? null;
    await this.finish(
      { status: 'completed', output: json },
      { runId: this.runId, status: 'completed', output: encoded.value, json },
    );
    this.env.events.emit('run:completed', () => ({
      runId: this.runId,
      workflow: this.def.name,
      output: encoded.value,
    }));
  }

  /** Cancels the run: pending calls reject, compensations run, the run ends 'cancelled'. */
  cancel(reason = 'cancelled by request'): void {
    if (this.cancelled || this.halted) return;
    this.cancelled = new RunCancelledError(this.runId, reason);
    this.cancellation.abort(this.cancelled);
    for (const child of this.children) {
      this.env.cancelRun(child, `parent run '${this.runId}' was cancelled`).catch(() => {});
    }
  }

  halt(): void {
    if (this.halted) return;
    this.halted = true;
    const reason = new Halted('the engine is shutting down');
    this.cancellation.abort(reason);
    this.shutdown.abort(reason);
  }

  // ---- context calls ------------------------------------------------------------------------

  private async step<I, O>(ref: StepRef<I, O>, input: I, options?: StepCallOptions<Awaited<O>>): Promise<Awaited<O>> {
    this.inflight++;
    const position = this.next++;
    try {
      const recorded = this.journal.get(position);
      if (recorded) {
        this.expect(position, recorded, 'step', ref.name);
        const output = this.replayed(recorded) as Awaited<O>;
        if (options?.compensate) this.registerCompensation(position, options.compensate, output);
        return this.handBack(position, output);
      }
      this.throwIfStopped();
      const output = (await this.runStep(position, ref, input, options, 'step')) as Awaited<O>;
      if (options?.compensate) this.registerCompensation(position, options.compensate, output);
      return this.handBack(position, output);
    } catch (error) {
      return this.handBackError(position, error);
    } finally {
      this.callSettled();
    }
  }

  private async sleep(duration: Duration): Promise<void> {
    const ms = toMs(duration, 'ctx.sleep(duration)');
    this.inflight++;
    const position = this.next++;
    try {
      const recorded = this.journal.get(position);
      if (recorded) {
        this.expect(position, recorded, 'sleep', 'sleep');
        return this.handBack(position, undefined);
      }
      this.throwIfStopped();
      const startedAt = this.env.clock();
      const restored = this.timers.get(position);
      const fireAt = restored?.fireAt ?? startedAt + ms;
      this.sleeps++;
      this.write({
        setTimer: restored ? undefined : { runId: this.runId, position, kind: 'sleep', fireAt, attempt: 0 },
      });
      try {
        await waitUntil(fireAt, this.cancellation, this.env.clock);
      } finally {
        this.sleeps--;
      }
      const entry = this.entry(position, 'sleep', 'sleep', true, null, 1, startedAt);
      this.write({ journal: [entry], clearTimer: position });
      return this.handBack(position, undefined);
    } catch (error) {
      return this.handBackError(position, error);
    } finally {
      this.callSettled();
    }
  }

  private async child<I, O>(workflow: WorkflowDefinition<I, O>, input: I, options?: ChildOptions): Promise<O> {
    this.inflight++;
    const position = this.next++;
    try {
      const recorded = this.journal.get(position);
      if (recorded) {
        this.expect(position, recorded, 'child', workflow.name);
        return this.handBack(position, this.replayed(recorded) as O);
      }
      this.throwIfStopped();
      const id = options?.id ?? `${this.runId}/${position}`;
      const startedAt = this.env.clock();
      if (this.env.durability === 'strict') await this.durable();
      this.children.add(id);
      const outcome = await abortable(this.env.runChild(workflow, input, id, this.runId), this.cancellation);
      this.children.delete(id);
      if (outcome.status === 'completed') {
        this.write({ journal: [this.entry(position, 'child', workflow.name, true, outcome.json, 1, startedAt)] });
        return this.handBack(position, outcome.output as O);
      }
      const recordedError = (JSON.parse(outcome.json) as RunErrorRecord).error;
      this.write({
        journal: [this.entry(position, 'child', workflow.name, false, JSON.stringify(recordedError), 1, startedAt)],
      });
      throw new RunFailedError(id, reviveError(recordedError));
    } catch (error) {
      return this.handBackError(position, error);
    } finally {
      this.callSettled();
    }
  }

  private async emit<T>(contract: EventContract<T>, data: T, options?: { key?: string }): Promise<string> {
    this.inflight++;
    const position = this.next++;
    try {
      const recorded = this.journal.get(position);
      if (recorded) {
        this.expect(position, recorded, 'emit', contract.type);
        return this.handBack(position, decode(recorded.output) as string);
      }
      this.throwIfStopped();
      // The id comes from the run and the position, so the event is the same one on every replay.
      const id = `${this.runId}/${position}`;
      const cause = { correlationId: this.runId, causationId: `run:${this.runId}` };
      const event = this.env.envelope(contract, data, { key: options?.key, id }, cause);
      const at = this.env.clock();
      await this.write({
        journal: [this.entry(position, 'emit', contract.type, true, JSON.stringify(id), 1, at)],
        publish: [toNewEvent(event)],
      });
      this.env.appended([contract.type]);
      return this.handBack(position, id);
    } catch (error) {
      return this.handBackError(position, error);
    } finally {
      this.callSettled();
    }
  }

  private async waitForEvent<T>(
    contract: EventContract<T>,
    options: WaitForEventOptions<T> = {},
  ): Promise<CloudEvent<T>> {
    const { key, match } = options;
    const accept = (record: EventRecord) => {
      if (key !== undefined && record.subject !== key) return false;
      let data: T;
      try {
        data = contract.validate(decode(record.data));
      } catch {
        return false; // not this contract's shape: not the event awaited
      }
      return match === undefined || match(data);
    };
    const what = `event '${contract.type}'${key === undefined ? '' : ` with key '${key}'`}`;
    const found = await this.awaitEvent(
      'event',
      contract.type,
      contract.type,
      undefined,
      accept,
      options.timeout,
      what,
      this.cancellation,
    );
    return found.event as CloudEvent<T>;
  }

  private async waitForSignal<T>(name: string, options: { timeout?: Duration } = {}): Promise<T> {
    const type = signalType(name);
    const accept = (record: EventRecord) => record.subject === this.runId;
    const after = this.signalsTaken.get(name) ?? 0;
    const found = await this.awaitEvent(
      'signal',
      name,
      type,
      after,
      accept,
      options.timeout,
      `signal '${name}'`,
      this.cancellation,
    );
    this.signalsTaken.set(name, Math.max(this.signalsTaken.get(name) ?? 0, found.seq));
    return found.event.data as T;
  }

  private now(): number {
    const position = this.next++;
    const recorded = this.journal.get(position);
    if (recorded) {
      this.expect(position, recorded, 'now', 'now');
      return Number(recorded.output);
    }
    const value = this.env.clock();
    this.write({
      journal: [{ ...this.entry(position, 'now', 'now', true, String(value), 1, value), finishedAt: value }],
    });
    return value;
  }

  // ---- steps --------------------------------------------------------------------------------

  private async runStep(
    position: number,
    ref: StepRef,
    input: unknown,
    options: StepCallOptions<any> | undefined,
    kind: 'step' | 'compensation',
  ): Promise<unknown> {
    const runtime = this.env.registry.service(ref);
    const where = `step '${ref.name}'`;
    const policy = options?.retry ? resolveRetry(options.retry, runtime.retry, where) : runtime.retry;
    const timeoutMs = options?.timeout === undefined ? runtime.timeoutMs : toMs(options.timeout, `${where}: timeout`);
    const stepInput = encode(input, `the input of ${where}`);
    const startedAt = this.env.clock();
    const restored = this.timers.get(position);
    let attempt = 1;
    let timerSet = false;
    if (restored?.kind === 'retry') {
      attempt = restored.attempt;
      timerSet = true;
      this.retries++;
      await this.waitForRetry(restored.fireAt);
    }
    for (;;) {
      if (this.env.durability === 'strict' || kind === 'compensation') await this.durable();
      const started = kind === 'step' ? 'step:started' : 'compensation:started';
      if (this.env.events.wants(started)) this.emitStep(started, ref, position, attempt);
      let error: unknown;
      const result = await this.attempt(runtime, ref, stepInput, position, attempt, timeoutMs);
      if (result.ok) {
        try {
          const encoded = encode(result.value, `the result of ${where}`);
          const entry = this.entry(position, kind, ref.name, true, encoded.json ?? null, attempt, startedAt);
          this.write({
            journal: [entry],
            clearTimer: timerSet ? position : undefined,
            dropTasks: this.taskOf(runtime, position, attempt),
          });
          if (kind === 'step') {
            if (this.env.events.wants('step:completed'))
              this.env.events.emit('step:completed', () => ({
                ...this.stepEvent(ref, position, attempt),
                output: encoded.value,
              }));
          } else this.emitStep('compensation:completed', ref, position, attempt);
          return encoded.value;
        } catch (serialization) {
          error = serialization; // a result that cannot be stored will not become storable on retry
        }
      } else error = result.error;
      if (this.cancelled && kind === 'step') throw this.cancelled;
      if (this.halted) throw new Halted();
      if (!(error instanceof SerializationError) && attempt < policy.maxAttempts && isRetryable(policy, error)) {
        attempt++;
        const delayMs = backoffDelay(policy, attempt, Math.random());
        const fireAt = this.env.clock() + delayMs;
        this.retries++;
        timerSet = true;
        this.write({
          setTimer: { runId: this.runId, position, kind: 'retry', fireAt, attempt },
          dropTasks: this.taskOf(runtime, position, attempt - 1),
        });
        this.env.events.emit('step:retrying', () => ({
          ...this.stepEvent(ref, position, attempt - 1),
          error,
          delayMs,
        }));
        this.log.debug('step attempt failed; retrying', { step: ref.name, attempt: attempt - 1, delayMs });
        await this.waitForRetry(fireAt);
        continue;
      }
      const failure = JSON.stringify(recordError(error));
      this.write({
        journal: [this.entry(position, kind, ref.name, false, failure, attempt, startedAt)],
        clearTimer: timerSet ? position : undefined,
        dropTasks: this.taskOf(runtime, position, attempt),
      });
      this.env.events.emit(kind === 'step' ? 'step:failed' : 'compensation:failed', () => ({
        ...this.stepEvent(ref, position, attempt),
        error,
      }));
      throw new StepFailedError(ref.name, attempt, error);
    }
  }

  private async waitForRetry(fireAt: number): Promise<void> {
    try {
      // Compensations are not cancellable (they must finish what the cancellation started), but
      // a shutdown stops them: they resume on next start.
      await waitUntil(fireAt, this.compensating ? this.shutdown : this.cancellation, this.env.clock);
    } finally {
      this.retries--;
    }
  }

  private attempt(
    runtime: ServiceRuntime,
    ref: StepRef,
    input: Encoded,
    position: number,
    attempt: number,
    timeoutMs: number | undefined,
  ) {
    const remote = runtime.remote;
    return attemptStep({
      limiter: runtime.limiter,
      // A remote step's task carries the input as the JSON text already made for the journal check.
      fn: remote
        ? (_value: unknown, ctx: StepContext) =>
            this.env.tasks.dispatch(
              {
                queue: remote.queue(ref.step),
                runId: this.runId,
                position,
                attempt,
                name: ref.step,
                step: ref.name,
                input: input.json ?? null,
              },
              ctx,
            )
        : ref.fn,
      input: input.value,
      timeoutMs,
      cancellation: this.compensating ? this.shutdown : this.cancellation,
      runId: this.runId,
      step: ref.name,
      attempt,
      idempotencyKey: idempotencyKey(this.runId, position),
    });
  }

  // ---- failure, compensation, outcome -------------------------------------------------------

  private async fail(error: unknown): Promise<void> {
    // Decided now: a cancel that arrives while a failed run compensates must not hide the failure.
    const cancelRequested = this.cancelled !== undefined;
    await this.whenIdle();
    if (this.halted) return this.rejectDone(new Halted());
    let failures: NonNullable<RunErrorRecord['compensationFailures']> = [];
    if (!this.fatal) {
      try {
        failures = await this.compensate();
      } catch (stopped) {
        this.fatal ??= stopped; // a divergence (already kept in fatal) or a halt (handled below)
      }
    }
    if (this.halted) return this.rejectDone(new Halted());
    const fatal = this.fatal;
    const thrown = fatal ?? error;
    const cancelled = !fatal && cancelRequested;
    const record: RunErrorRecord = { error: recordError(thrown) };
    if (failures.length > 0) record.compensationFailures = failures;
    const json = JSON.stringify(record);
    const status = cancelled ? 'cancelled' : 'failed';
    await this.finish({ status, error: json }, { runId: this.runId, status, error: thrown, json });
    if (cancelled) this.env.events.emit('run:cancelled', () => ({ runId: this.runId, workflow: this.def.name }));
    else this.env.events.emit('run:failed', () => ({ runId: this.runId, workflow: this.def.name, error: thrown }));
  }

  private async compensate(): Promise<NonNullable<RunErrorRecord['compensationFailures']>> {
    const failures: NonNullable<RunErrorRecord['compensationFailures']> = [];
    if (this.compensations.size === 0) return failures;
    this.compensating = true;
    this.write({});
    const newestFirst = [...this.compensations].sort((a, b) => b[0] - a[0]);
    for (const [forPosition, compensation] of newestFirst) {
      const position = this.next++;
      const recorded = this.journal.get(position);
      try {
        if (recorded) {
          this.expect(position, recorded, 'compensation', compensation.ref.name);
          this.replayed(recorded);
        } else {
          await this.runStep(position, compensation.ref, compensation.input, undefined, 'compensation');
        }
      } catch (error) {
        if (this.halted || error instanceof NonDeterminismError) throw error;
        const cause = error instanceof StepFailedError ? error.cause : error;
        failures.push({ step: compensation.ref.name, position: forPosition, error: recordError(cause) });
        this.log.warn('compensation failed', { step: compensation.ref.name, position });
      }
    }
    return failures;
  }

  private registerCompensation(
    position: number,
    compensate: NonNullable<StepCallOptions<any>['compensate']>,
    output: unknown,
  ): void {
    if ('fn' in compensate) this.compensations.set(position, { ref: compensate, input: output });
    else this.compensations.set(position, { ref: compensate.step, input: compensate.input(output) });
  }

  private async finish(transition: Partial<Transition>, outcome: RunOutcome): Promise<void> {
    this.compensating = false;
    // A sleep or retry wait interrupted by cancellation leaves its timer behind; writes of a run
    // land in order, so these are durable when the outcome is.
    for (const position of this.storedTimers) void this.write({ clearTimer: position }, false);
    try {
      await this.write(transition, false);
    } catch (error) {
      this.rejectDone(error); // the store failed: the run stays in flight and resumes on next start
      this.env.finished(this);
      return;
    }
    this.resolveDone(outcome);
    this.env.finished(this);
  }

  /** The task of a remote step's attempt, dropped by the write that records its outcome. */
  private taskOf(runtime: ServiceRuntime, position: number, attempt: number): string[] | undefined {
    return runtime.remote ? [TaskQueue.taskId(this.runId, position, attempt)] : undefined;
  }

  private stepEvent(ref: StepRef, position: number, attempt: number) {
    return { runId: this.runId, workflow: this.def.name, step: ref.name, position, attempt };
  }

  private emitStep(
    name: 'step:started' | 'compensation:started' | 'compensation:completed',
    ref: StepRef,
    position: number,
    attempt: number,
  ) {
    this.env.events.emit(name, () => this.stepEvent(ref, position, attempt));
  }
}

export { type Durability, Halted, type RunEnvironment, type RunErrorRecord, type RunOutcome } from './run-journal.js';
