/**
 * The SQLite store: the default durable adapter; one file, one connection per store.
 *
 * Writes (createRun, commit) go through the group commit. A batch is applied synchronously in
 * one IMMEDIATE transaction, so durability costs one fsync per batch (WAL, synchronous=FULL by
 * default). The apply path only runs statements prepared at open and binds the port's JSON text
 * as it is: no serializing and no reading back, except the existing run of a repeated createRun.
 * Reads and task operations run directly; better-sqlite3 is synchronous, so none of them can
 * interleave with a batch.
 *
 * Several processes may open one file: SQLite's lock serializes their writes (each waits up to
 * `busyTimeoutMs`), and claims stay exclusive because each runs in a write transaction.
 * The event log and outbox (next issue) fit as a new migration and new writes in
 * `applyTransition`, inside the same transaction.
 */
import Database from 'better-sqlite3';
import { JournalConflictError, StoreClosedError, UnknownRunError } from '../../core/errors.js';
import { GroupCommit, type StoreWrite } from '../group-commit.js';
import type {
  CreateRunResult,
  JournalEntry,
  NewRun,
  RunQuery,
  RunRecord,
  RunState,
  Store,
  TaskRecord,
  TimerRecord,
  Transition,
} from '../store.js';
import { openFailure, operationFailure, sqliteCode } from './sqlite-errors.js';
import { migrate } from './sqlite-migrate.js';
import {
  type ResolvedSqliteStoreOptions,
  resolveSqliteStoreOptions,
  type SqliteStoreOptions,
} from './sqlite-options.js';
import { type JournalRow, prepareQueries, type SqliteQueries } from './sqlite-queries.js';

type Write = StoreWrite<NewRun, Transition>;
type WriteResult = CreateRunResult | undefined;

/**
 * Opens (creating and migrating when needed) a SQLite store. Throws StoreUnavailableError when
 * the file cannot be opened or written, SchemaTooNewError when a newer tutti wrote it.
 *
 * @example
 * const store = createSqliteStore({ path: './tutti.db' });
 */
export function createSqliteStore(options: SqliteStoreOptions): Store {
  const resolved = resolveSqliteStoreOptions(options);
  const db = openDatabase(resolved);
  try {
    return new SqliteStore(resolved.path, db);
  } catch (error) {
    db.close();
    throw error;
  }
}

function openDatabase(options: ResolvedSqliteStoreOptions): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(options.path, { timeout: options.busyTimeoutMs });
    migrate(db, options.path);
    // After migrating, so that a file refused as too new is not converted to WAL either.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous}`);
    return db;
  } catch (error) {
    db?.close();
    throw openFailure(options.path, error);
  }
}

class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private readonly q: SqliteQueries;
  private readonly writes: GroupCommit<Write, WriteResult>;
  private readonly applyBatch: Database.Transaction<(batch: readonly Write[]) => WriteResult[]>;
  private readonly readState: Database.Transaction<(runId: string) => RunState | undefined>;
  private readonly claim: Database.Transaction<
    (queue: string, workerId: string, max: number, leaseExpiresAt: number, now: number) => TaskRecord[]
  >;
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly db: Database.Database,
  ) {
    const q = prepareQueries(db);
    this.q = q;

    this.applyBatch = db.transaction((batch: readonly Write[]) => {
      const results: WriteResult[] = new Array(batch.length);
      for (let i = 0; i < batch.length; i++) {
        const write = batch[i] as Write;
        results[i] = write.type === 'create' ? this.insertRun(write.run) : this.applyTransition(write.transition);
      }
      return results;
    });
    this.writes = new GroupCommit<Write, WriteResult>((batch) => {
      try {
        return this.applyBatch.immediate(batch);
      } catch (error) {
        throw operationFailure(this.path, error);
      }
    });

    // One read transaction: the run, its journal and its timers from the same snapshot.
    this.readState = db.transaction((runId: string) => {
      const run = q.selectRun.get({ id: runId });
      if (!run) return undefined;
      return {
        run,
        journal: q.selectJournal.all({ runId }).map(toJournalEntry),
        timers: q.selectTimers.all({ runId }),
      };
    });

    // Select and lease under the write lock, so that no other connection claims the same tasks.
    this.claim = db.transaction((queue: string, workerId: string, max: number, leaseExpiresAt: number, now: number) => {
      const tasks = q.selectClaimableTasks.all({ queue, now, max });
      for (const task of tasks) {
        q.leaseTask.run({ id: task.id, workerId, leaseExpiresAt });
        task.workerId = workerId;
        task.leaseExpiresAt = leaseExpiresAt;
      }
      return tasks;
    });
  }

  createRun(run: NewRun): Promise<CreateRunResult> {
    return this.writes.submit({ type: 'create', run }) as Promise<CreateRunResult>;
  }

  async commit(transition: Transition): Promise<void> {
    await this.writes.submit({ type: 'commit', transition });
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.execute(() => this.q.selectRun.get({ id }));
  }

  listRuns(query: RunQuery = {}): Promise<RunRecord[]> {
    return this.execute(() =>
      this.q.listRuns.all({
        before: query.before ?? null,
        statuses: query.status ? JSON.stringify(query.status) : null,
        workflow: query.workflow ?? null,
        parentId: query.parentId ?? null,
        limit: query.limit ?? 100,
      }),
    );
  }

  readRunState(id: string): Promise<RunState | undefined> {
    return this.execute(() => this.readState(id));
  }

  dueTimers(until: number, limit: number): Promise<TimerRecord[]> {
    return this.execute(() => this.q.dueTimers.all({ until, limit }));
  }

  claimTasks(queue: string, workerId: string, max: number, leaseMs: number, now: number): Promise<TaskRecord[]> {
    return this.execute(() => this.claim.immediate(queue, workerId, max, now + leaseMs, now));
  }

  extendTaskLease(taskId: string, workerId: string, leaseMs: number, now: number): Promise<boolean> {
    return this.execute(
      () => this.q.extendTaskLease.run({ id: taskId, workerId, now, leaseExpiresAt: now + leaseMs }).changes === 1,
    );
  }

  completeTask(taskId: string, workerId: string): Promise<boolean> {
    return this.execute(() => this.q.completeTask.run({ id: taskId, workerId }).changes === 1);
  }

  /** Waits for pending writes, then closes the file; later calls reject with StoreClosedError. */
  close(): Promise<void> {
    this.closing ??= this.writes.close().finally(() => {
      this.closed = true;
      this.db.close();
    });
    return this.closing;
  }

  /** Runs a read or a task operation: rejects once closed, and reports driver errors as Tutti errors. */
  private execute<T>(operation: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    try {
      return Promise.resolve(operation());
    } catch (error) {
      return Promise.reject(operationFailure(this.path, error));
    }
  }

  private insertRun(run: NewRun): CreateRunResult {
    if (this.q.insertRun.run(run).changes === 1) {
      return { run: { ...run, status: 'running', output: null, error: null, updatedAt: run.createdAt }, created: true };
    }
    return { run: this.q.selectRun.get({ id: run.id }) as RunRecord, created: false };
  }

  // The run update comes first: it proves the run exists before anything else is written.
  private applyTransition(t: Transition): undefined {
    const q = this.q;
    const updated = q.updateRun.run({
      runId: t.runId,
      at: t.at,
      status: t.status ?? null,
      setOutput: t.output === undefined ? 0 : 1,
      output: t.output ?? null,
      setError: t.error === undefined ? 0 : 1,
      error: t.error ?? null,
    });
    if (updated.changes === 0) throw new UnknownRunError(t.runId);
    if (t.journal) for (const entry of t.journal) this.appendJournal(entry);
    if (t.clearTimer !== undefined) q.clearTimer.run({ runId: t.runId, position: t.clearTimer });
    if (t.setTimer) q.setTimer.run(t.setTimer);
    if (t.enqueue) for (const task of t.enqueue) q.insertTask.run(task);
    return undefined;
  }

  private appendJournal(entry: JournalEntry): void {
    try {
      this.q.insertJournalEntry.run({
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
      if (sqliteCode(error) === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new JournalConflictError(entry);
      throw error;
    }
  }
}

function toJournalEntry(row: JournalRow): JournalEntry {
  return { ...row, ok: row.ok === 1 };
}
