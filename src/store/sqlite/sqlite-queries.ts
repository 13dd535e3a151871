/**
 * The statements the adapter runs, read from `sql/queries/*.sql` (each file states its purpose
 * and parameters) and prepared once per open store. Columns come back under the port's field
 * names (`parent_id AS parentId`), so rows are records as they are; only `ok` needs mapping.
 */
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { JournalEntry, NewRun, NewTask, RunRecord, TaskRecord, TimerRecord } from '../store.js';

/** The text of `sql/<file>`; the build copies `src/store/sqlite/sql` to `dist/store/sqlite/sql`. */
export function readSql(file: string): string {
  return readFileSync(new URL(`./sql/${file}`, import.meta.url), 'utf8');
}

/** A journal row as stored: `ok` is 1 or 0. */
export type JournalRow = Omit<JournalEntry, 'ok'> & { ok: number };

export interface RunUpdate {
  runId: string;
  at: number;
  status: string | null;
  setOutput: 0 | 1;
  output: string | null;
  setError: 0 | 1;
  error: string | null;
}

export interface RunFilter {
  before: string | null;
  /** JSON array of statuses, or null for any. */
  statuses: string | null;
  workflow: string | null;
  parentId: string | null;
  limit: number;
}

/** A prepared statement that takes the named parameters `Params` and returns rows of type `Row`. */
export interface Query<Params extends {}, Row = never> {
  run(params: Params): Database.RunResult;
  get(params: Params): Row | undefined;
  all(params: Params): Row[];
}

export function prepareQueries(db: Database.Database) {
  const query = <Params extends {} = {}, Row = never>(name: string): Query<Params, Row> =>
    db.prepare<Params, Row>(readSql(`queries/${name}.sql`));
  return {
    insertRun: query<NewRun>('insert-run'),
    selectRun: query<{ id: string }, RunRecord>('select-run'),
    updateRun: query<RunUpdate>('update-run'),
    insertJournalEntry: query<JournalRow>('insert-journal-entry'),
    setTimer: query<TimerRecord>('set-timer'),
    clearTimer: query<{ runId: string; position: number }>('clear-timer'),
    insertTask: query<NewTask>('insert-task'),

    listRuns: query<RunFilter, RunRecord>('list-runs'),
    selectJournal: query<{ runId: string }, JournalRow>('select-journal'),
    selectTimers: query<{ runId: string }, TimerRecord>('select-timers'),
    dueTimers: query<{ until: number; limit: number }, TimerRecord>('due-timers'),

    selectClaimableTasks: query<{ queue: string; now: number; max: number }, TaskRecord>('select-claimable-tasks'),
    leaseTask: query<{ id: string; workerId: string; leaseExpiresAt: number }>('lease-task'),
    extendTaskLease: query<{ id: string; workerId: string; now: number; leaseExpiresAt: number }>('extend-task-lease'),
    completeTask: query<{ id: string; workerId: string }>('complete-task'),
  };
}

export type SqliteQueries = ReturnType<typeof prepareQueries>;
