/**
 * What users see of a run: its handle (awaiting the result, info, cancel) and its decoded
 * record, and how a stored or live outcome becomes a result or the error it stands for.
 */
import { ConfigError, RunCancelledError, RunFailedError, RunInterruptedError } from '../core/errors.js';
import { decode, type RecordedError, reviveError } from '../core/serialize.js';
import { isFinished, type RunRecord, type Store } from '../store/store.js';
import type { LiveRun } from './live-run.js';
import { Halted, type RunErrorRecord, type RunOutcome } from './run-journal.js';

/** A run as reported to users: JSON decoded. */
export interface RunInfo {
  id: string;
  workflow: string;
  version: string;
  status: RunRecord['status'];
  input: unknown;
  output: unknown;
  error: RunErrorRecord | undefined;
  parentId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RunHandle<O = unknown> {
  readonly id: string;
  readonly workflow: string;
  /** false when `start` found an existing run with this id. */
  readonly created: boolean;
  /** The run's output once it completes; rejects with RunFailedError or RunCancelledError. */
  result(): Promise<O>;
  /** The run as stored now. */
  info(): Promise<RunInfo>;
  cancel(reason?: string): Promise<void>;
}

export function outcomeValue(outcome: RunOutcome): unknown {
  if (outcome.status === 'completed') return outcome.output;
  if (outcome.status === 'cancelled') {
    // The recorded error is usually the RunCancelledError itself, whose message already holds the
    // reason: reuse it rather than wrap it in a second "was cancelled".
    const { error } = JSON.parse(outcome.json) as RunErrorRecord;
    const cancelled = new RunCancelledError(outcome.runId);
    if (error.kind === 'error' && error.name === 'RunCancelledError') cancelled.message = error.message;
    throw cancelled;
  }
  const record = JSON.parse(outcome.json) as RunErrorRecord;
  const detail = record.compensationFailures?.length
    ? `; ${record.compensationFailures.length} compensation(s) also failed: ${record.compensationFailures.map((f) => f.step).join(', ')}`
    : '';
  throw Object.assign(new RunFailedError(outcome.runId, outcome.error, detail), {
    compensationFailures: record.compensationFailures ?? [],
  });
}

export function storedOutcome(run: RunRecord): RunOutcome {
  if (run.status === 'completed')
    return { status: 'completed', output: decode(run.output), json: run.output, runId: run.id };
  const json = run.error ?? JSON.stringify({ error: { kind: 'value', value: null } });
  const record = JSON.parse(json) as RunErrorRecord;
  return {
    status: run.status as 'failed' | 'cancelled',
    error: reviveError(record.error as RecordedError),
    json,
    runId: run.id,
  };
}

export function toInfo(run: RunRecord): RunInfo {
  return {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    input: decode(run.input),
    output: decode(run.output),
    error: run.error === null ? undefined : (JSON.parse(run.error) as RunErrorRecord),
    parentId: run.parentId,
    createdAt: new Date(run.createdAt),
    updatedAt: new Date(run.updatedAt),
  };
}

/** What handles need of their engine. */
export interface HandleHost {
  readonly store: Store;
  /** The run's live instance in this process that is not halted, if any. */
  live(runId: string): LiveRun | undefined;
  /** True while the run is being paused or held still for a change (it goes on after). */
  held(runId: string): boolean;
  /** True once the engine is closed. */
  closed(): boolean;
  getRun(runId: string): Promise<RunInfo | undefined>;
  cancel(runId: string, reason?: string): Promise<void>;
}

/**
 * Makes run handles. A handle follows its run, not the live instance it was made from: a run
 * halted by pause or whileHeld goes on in a new instance (after resume, or once the change is
 * made), and `result()` waits for that one. Only a halt by close() ends it (RunInterruptedError).
 */
export class RunHandles {
  /** Results waiting for a run to be live again or to finish, by run id. */
  private readonly waiting = new Map<string, Set<() => void>>();

  constructor(private readonly host: HandleHost) {}

  live(run: LiveRun, created: boolean): RunHandle {
    return this.handle(run.runId, run.def.name, created, () => this.follow(run));
  }

  stored(run: RunRecord, created: boolean): RunHandle {
    return this.handle(run.id, run.workflow, created, () => this.outcome(run.id));
  }

  /** Run `runId` is live again, or finished while not live (or, without an id, the engine closed): waiting results look again. */
  changed(runId?: string): void {
    const keys = runId === undefined ? [...this.waiting.keys()] : [runId];
    for (const key of keys) {
      const wakes = this.waiting.get(key);
      this.waiting.delete(key);
      for (const wake of wakes ?? []) wake();
    }
  }

  private handle(id: string, workflow: string, created: boolean, result: () => Promise<unknown>): RunHandle {
    return {
      id,
      workflow,
      created,
      result,
      info: () => this.host.getRun(id).then((info) => info as RunInfo),
      cancel: (reason) => this.host.cancel(id, reason),
    };
  }

  private follow(run: LiveRun): Promise<unknown> {
    return run.done.then(outcomeValue, (error) => this.afterHalt(run.runId, error));
  }

  private afterHalt(runId: string, error: unknown): Promise<unknown> {
    if (!(error instanceof Halted)) throw error;
    return this.outcome(runId);
  }

  /** The run's outcome: from its live instance, from the store, or once it goes on after a pause or a hold. */
  private async outcome(runId: string): Promise<unknown> {
    for (;;) {
      if (this.host.closed()) throw new RunInterruptedError(runId);
      // Registered before looking, so that a change between the look and the wait is not missed.
      const next = new Promise<void>((resolve) => {
        const wakes = this.waiting.get(runId) ?? new Set();
        wakes.add(resolve);
        this.waiting.set(runId, wakes);
      });
      const live = this.host.live(runId);
      if (live) return this.follow(live);
      const stored = (await this.host.store.getRun(runId)) as RunRecord;
      if (isFinished(stored.status)) return outcomeValue(storedOutcome(stored));
      if (stored.status !== 'paused' && !this.host.held(runId)) {
        throw new ConfigError(
          `run '${runId}' is in flight but not live in this process (its workflow version is not registered here)`,
        );
      }
      await next;
    }
  }
}
