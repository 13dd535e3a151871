/**
 * What users see of a run: its handle (awaiting the result, info, cancel) and its decoded
 * record, and how a stored or live outcome becomes a result or the error it stands for.
 */
import { RunCancelledError, RunFailedError } from '../core/errors.js';
import { decode, type RecordedError, reviveError } from '../core/serialize.js';
import type { RunRecord } from '../store/store.js';
import type { RunErrorRecord, RunOutcome } from './run-journal.js';

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
