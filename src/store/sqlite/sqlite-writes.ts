/**
 * Every write the SQLite store makes, on one connection: batches of runs created, transitions
 * applied, events published and delivery commits (the group commit), the task-queue operations,
 * the event log's rare writes (sqlite-event-writes.ts), the definitions' (sqlite-definitions.ts) and
 * the tokens' (sqlite-tokens.ts).
 * The same code runs on the main thread (writer 'inline') and in the writer thread (writer
 * 'thread'), so the two cannot drift.
 *
 * Results and errors stay plain data (a `WriteFailure` rather than an Error object) because in
 * the thread they cross a MessagePort, which keeps only the fields of plain objects.
 */
import type Database from 'better-sqlite3';
import { JournalConflictError, type TuttiError, UnknownRunError, UnknownSubscriptionError } from '../../core/errors.js';
import type { PublishResult } from '../event-log.js';
import {
  isFinished,
  type JournalEntry,
  type NewRun,
  type RunRecord,
  type TaskRecord,
  type Transition,
} from '../store.js';
import type { StoreWrite as Write } from '../store-write.js';
import { type DefinitionWriteOperations, prepareDefinitionWrites } from './sqlite-definitions.js';
import { sqliteCode } from './sqlite-errors.js';
import {
  appendEvents,
  applyDeliveries,
  type EventWriteOperations,
  prepareEventWrites,
  UnknownSubscription,
} from './sqlite-event-writes.js';
import { prepareQueries, type RunUpdate, type SqliteQueries } from './sqlite-queries.js';
import { prepareTokenWrites, type TokenWriteOperations } from './sqlite-tokens.js';

/**
 * Per write of a batch: `true` for a run created, the existing run for a repeated id, the seqs
 * of events published, undefined for a transition or a delivery commit applied, `{ failure }`
 * for a write that failed (the rest of its batch stands).
 */
export type WriteResult =
  | true
  | RunRecord
  | PublishResult[]
  | TaskRecord[]
  | { completed: boolean }
  | undefined
  | { failure: WriteFailure };

/** The operations a writer serves, by name, with their arguments and results. */
export interface WriteOperations extends EventWriteOperations, DefinitionWriteOperations, TokenWriteOperations {
  applyBatch(batch: readonly Write[]): WriteResult[];
  extendTaskLease(taskId: string, workerId: string, leaseExpiresAt: number, now: number): boolean;
  releaseTask(taskId: string, workerId: string, now: number): boolean;
  cancelTask(taskId: string): boolean;
  /** false when the run does not exist. */
  reopenRun(runId: string, from: number, at: number, input: string | null | undefined): boolean;
}

/** A failure as data: a domain error to rebuild, or a driver error to translate. */
export type WriteFailure =
  | { kind: 'unknown-run'; runId: string }
  | { kind: 'unknown-subscription'; subscription: string }
  | { kind: 'journal-conflict'; entry: { runId: string; position: number; name: string } }
  | { kind: 'driver'; message: string; code: string | undefined };

class JournalConflict extends Error {
  constructor(readonly entry: JournalEntry) {
    super('journal conflict');
  }
}

class UnknownRun extends Error {
  constructor(readonly runId: string) {
    super('unknown run');
  }
}

export function describeFailure(error: unknown): WriteFailure {
  if (error instanceof UnknownRun) return { kind: 'unknown-run', runId: error.runId };
  if (error instanceof UnknownSubscription) {
    return { kind: 'unknown-subscription', subscription: error.subscription };
  }
  if (error instanceof JournalConflict) {
    const { runId, position, name } = error.entry;
    return { kind: 'journal-conflict', entry: { runId, position, name } };
  }
  return { kind: 'driver', message: error instanceof Error ? error.message : String(error), code: sqliteCode(error) };
}

/** The error a failure stands for: domain errors as themselves, driver errors for `translate`. */
export function rebuildFailure(failure: WriteFailure, translate: (driverError: Error) => TuttiError): TuttiError {
  if (failure.kind === 'unknown-run') return new UnknownRunError(failure.runId);
  if (failure.kind === 'unknown-subscription') return new UnknownSubscriptionError(failure.subscription);
  if (failure.kind === 'journal-conflict') return new JournalConflictError(failure.entry);
  return translate(Object.assign(new Error(failure.message), { code: failure.code }));
}

export function prepareWrites(db: Database.Database): WriteOperations {
  const q = prepareQueries(db);

  const applyAll = db.transaction((batch: readonly Write[]): WriteResult[] => {
    const results: WriteResult[] = new Array(batch.length);
    // A run's row is updated once per batch, after its last transition: several transitions of
    // one run in a batch (a step's result and the run's outcome, typically) cost one UPDATE.
    const updates = new Map<string, RunUpdate>();
    for (let i = 0; i < batch.length; i++) {
      const write = batch[i] as Write;
      if (write.type === 'commit') applyTransition(q, write.transition, updates);
      else if (write.type === 'create') results[i] = insertRun(q, write.run);
      else if (write.type === 'publish') results[i] = appendEvents(q, write.events);
      else if (write.type === 'claim') results[i] = claimIn(q, write);
      else if (write.type === 'complete') {
        const { taskId: id, workerId, outcome } = write;
        results[i] = { completed: q.completeTask.run({ id, workerId, outcome }).changes === 1 };
      } else applyDeliveries(q, write.commit);
    }
    for (const update of updates.values()) {
      if (q.updateRun.run(update).changes === 0) throw new UnknownRun(update.runId);
    }
    return results;
  });

  const reopen = db.transaction((runId: string, from: number, at: number, input: string | null | undefined) => {
    const results = q.reopenRun.run({ runId, from, at, setInput: input === undefined ? 0 : 1, input: input ?? null });
    // The run's UPDATE comes last: it changed a row only if the run exists.
    return (results.at(-1)?.changes ?? 0) === 1;
  });

  // One transaction for the batch. If it fails, each write is retried in its own transaction so
  // that one bad write (an unknown run or subscription, a journal conflict, an oversized value)
  // fails alone; a lock timeout would only time out again per write, so it fails the batch at once.
  const applyBatch = (batch: readonly Write[]): WriteResult[] => {
    try {
      return applyAll.immediate(batch);
    } catch (error) {
      const failure = describeFailure(error);
      if (batch.length === 1 || isLockTimeout(failure)) return batch.map(() => ({ failure }));
      return batch.map((write) => {
        try {
          return applyAll.immediate([write])[0];
        } catch (single) {
          return { failure: describeFailure(single) };
        }
      });
    }
  };

  return {
    ...prepareEventWrites(db, q),
    ...prepareDefinitionWrites(db, q),
    ...prepareTokenWrites(q),
    applyBatch,
    extendTaskLease: (id, workerId, leaseExpiresAt, now) =>
      q.extendTaskLease.run({ id, workerId, now, leaseExpiresAt }).changes === 1,
    releaseTask: (id, workerId, now) => q.releaseTask.run({ id, workerId, now }).changes === 1,
    cancelTask: (id) => q.deleteTask.run({ id }).changes === 1,
    reopenRun: (runId, from, at, input) => reopen.immediate(runId, from, at, input),
  };
}

function isLockTimeout(failure: WriteFailure): boolean {
  return failure.kind === 'driver' && (failure.code?.startsWith('SQLITE_BUSY') || failure.code === 'SQLITE_LOCKED');
}

/** Selects and leases in the batch's write transaction, so that no other connection claims the same tasks. */
function claimIn(q: SqliteQueries, claim: Extract<Write, { type: 'claim' }>): TaskRecord[] {
  const { queue, workerId, max, leaseExpiresAt, now } = claim;
  const tasks = q.selectClaimableTasks.all({ queue, now, max });
  for (const task of tasks) {
    q.leaseTask.run({ id: task.id, workerId, leaseExpiresAt });
    task.workerId = workerId;
    task.leaseExpiresAt = leaseExpiresAt;
  }
  return tasks;
}

function insertRun(q: SqliteQueries, run: NewRun): WriteResult {
  if (q.insertRun.run(run).changes === 1) return true;
  return q.selectRun.get({ id: run.id }) as RunRecord;
}

function applyTransition(q: SqliteQueries, t: Transition, updates: Map<string, RunUpdate>): void {
  if (t.journal) for (const entry of t.journal) appendJournal(q, entry);
  if (t.clearTimer !== undefined) q.clearTimer.run({ runId: t.runId, position: t.clearTimer });
  if (t.setTimer) q.setTimer.run(t.setTimer);
  if (t.dropTasks) for (const id of t.dropTasks) q.deleteTask.run({ id });
  if (t.enqueue) for (const task of t.enqueue) q.insertTask.run(task);
  if (t.status !== undefined && isFinished(t.status)) q.deleteRunTasks.run({ runId: t.runId });
  // The outbox, in the transition's transaction; a repeated id is skipped, and needs no answer.
  if (t.publish) for (const event of t.publish) q.insertEvent.run(event);
  const update = updates.get(t.runId);
  if (!update) {
    updates.set(t.runId, {
      runId: t.runId,
      at: t.at,
      status: t.status ?? null,
      setOutput: t.output === undefined ? 0 : 1,
      output: t.output ?? null,
      setError: t.error === undefined ? 0 : 1,
      error: t.error ?? null,
    });
    return;
  }
  update.at = t.at;
  if (t.status !== undefined) update.status = t.status;
  if (t.output !== undefined) {
    update.setOutput = 1;
    update.output = t.output;
  }
  if (t.error !== undefined) {
    update.setError = 1;
    update.error = t.error;
  }
}

function appendJournal(q: SqliteQueries, entry: JournalEntry): void {
  try {
    q.insertJournalEntry.run({
      runId: entry.runId,
      position: entry.position,
      kind: entry.kind,
      name: entry.name,
      ok: entry.ok ? 1 : 0,
      output: entry.output,
      attempts: entry.attempts,
      startedAt: entry.startedAt,
      finishedAt: entry.finishedAt,
    });
  } catch (error) {
    if (sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new JournalConflict(entry);
    throw error;
  }
}
