/**
 * The statements the adapter runs, read from `sql/queries/*.sql` (each file states its purpose
 * and parameters) and prepared once per open store. Columns come back under the port's field
 * names (`parent_id AS parentId`), so rows are records as they are; only `ok`, the JSON arrays of
 * subscriptions and the event of a parked row need mapping (sqlite-event-log.ts).
 */
import { readFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { DefinitionKind, DefinitionRecord, NewDefinition } from '../definitions.js';
import type { EventRecord, NewEvent, ParkedDelivery, SubscriptionRecord } from '../event-log.js';
import type { JournalEntry, NewRun, NewTask, RunRecord, TaskRecord, TimerRecord } from '../store.js';
import type { NewToken, TokenRecord } from '../tokens.js';

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

/** A subscription as stored: `types` and `ackedAbove` are JSON arrays. */
export type SubscriptionRow = Omit<SubscriptionRecord, 'types' | 'ackedAbove'> & { types: string; ackedAbove: string };

/** A parked delivery with its event's columns beside its own. */
export type ParkedEventRow = ParkedDelivery & NewEvent;

/** Which dead letters (list-dead-letters.sql): a NULL field means "any"; `seqs` is a JSON array. */
export interface DeadLetterFilter {
  subscription: string | null;
  type: string | null;
  seqs: string | null;
  /** -1 for no limit. */
  limit: number;
}

/** A prepared statement that takes the named parameters `Params` and returns rows of type `Row`. */
export interface Query<Params extends {}, Row = never> {
  run(params: Params): Database.RunResult;
  get(params: Params): Row | undefined;
  all(params: Params): Row[];
}

/** Events per statement of a bulk append (insert-event-rows.sql). */
export const EVENT_ROWS_PER_INSERT = 50;

export function prepareQueries(db: Database.Database) {
  const query = <Params extends {} = {}, Row = never>(name: string): Query<Params, Row> =>
    db.prepare<Params, Row>(readSql(`queries/${name}.sql`));
  // A file of several statements, run in order with the same parameters (each takes what it names).
  const statements = <Params extends {}>(name: string) => {
    const parts = readSql(`queries/${name}.sql`)
      .split('\n')
      .filter((line) => !line.startsWith('--'))
      .join('\n')
      .split(/;\s*(?:\n|$)/)
      .filter((part) => part.trim() !== '')
      .map((part) => db.prepare<Params>(part));
    return { run: (params: Params) => parts.map((statement) => statement.run(params)) };
  };
  return {
    insertRun: query<NewRun>('insert-run'),
    reopenRun: statements<{ runId: string; from: number; at: number; setInput: number; input: string | null }>(
      'reopen-run',
    ),
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
    completeTask: query<{ id: string; workerId: string; outcome: string }>('complete-task'),
    releaseTask: query<{ id: string; workerId: string; now: number }>('release-task'),
    selectTask: query<{ id: string }, TaskRecord>('select-task'),
    deleteTask: query<{ id: string }>('delete-task'),
    deleteRunTasks: query<{ runId: string }>('delete-run-tasks'),

    insertEvent: query<NewEvent>('insert-event'),
    selectEventSeq: query<{ id: string }, { seq: number }>('select-event-seq'),
    selectEvents: query<{ after: number; types: string | null; limit: number }, EventRecord>('select-events'),
    insertEventRows: db.prepare<unknown[]>(
      readSql('queries/insert-event-rows.sql') + Array(EVENT_ROWS_PER_INSERT).fill('(?, ?, ?, ?, ?, ?, ?)').join(', '),
    ) as { run(args: unknown[]): Database.RunResult },
    selectEventsOfType: query<{ after: number; type: string; limit: number }, EventRecord>('select-events-of-type'),
    selectLastSeq: query<{}, { seq: number }>('select-last-seq'),
    selectPositionAt: query<{ time: number }, { position: number }>('select-position-at'),

    openSubscription: query<{ name: string; types: string; position: number; createdAt: number }, SubscriptionRow>(
      'open-subscription',
    ),
    selectSubscription: query<{ name: string }, SubscriptionRow>('select-subscription'),
    listSubscriptions: query<{}, SubscriptionRow>('list-subscriptions'),
    updateSubscription: query<{ name: string; position: number; ackedAbove: string }>('update-subscription'),
    parkDelivery: query<ParkedDelivery>('park-delivery'),
    unparkDelivery: query<{ subscription: string; seq: number }>('unpark-delivery'),
    unparkForReplay: query<{ subscription: string }>('unpark-for-replay'),
    selectParked: query<{ subscription: string; states: string | null }, ParkedEventRow>('select-parked'),
    listDeadLetters: query<DeadLetterFilter, ParkedEventRow>('list-dead-letters'),
    redriveDeadLetter: query<{ subscription: string; seq: number; now: number }>('redrive-dead-letter'),

    putDefinition: query<NewDefinition>('put-definition'),
    selectDefinition: query<{ kind: DefinitionKind; name: string; version: number | null }, DefinitionRecord>(
      'select-definition',
    ),
    listDefinitions: query<{ kind: DefinitionKind; name: string | null }, DefinitionRecord>('list-definitions'),

    putToken: query<NewToken>('put-token'),
    selectToken: query<{ id: string }, TokenRecord>('select-token'),
    listTokens: query<{ namespace: string | null }, TokenRecord>('list-tokens'),
    revokeToken: query<{ id: string; now: number }>('revoke-token'),
  };
}

export type SqliteQueries = ReturnType<typeof prepareQueries>;
