/**
 * The SQLite store: the default durable adapter; one file.
 *
 * Writes (createRun, commit, publish, commitDeliveries) go through the group commit: each batch
 * is applied in one IMMEDIATE transaction, so durability costs one fsync per batch (WAL,
 * synchronous=FULL by default). A writer (sqlite-writer.ts) applies the batches, by default on a
 * worker thread with its own connection, so that the next batch gathers while one reaches the
 * disk. Task operations, the event log's rare writes, definitions and tokens are writes too and go
 * the same way.
 * Reads run on this thread's connection; in WAL mode they see every committed batch, hence every
 * write whose promise has resolved.
 *
 * Several processes may open one file: SQLite's lock serializes their writes (each waits up to
 * `busyTimeoutMs`), and claims stay exclusive because each runs in a write transaction.
 * The event log's reads are in sqlite-event-log.ts, its writes in sqlite-event-writes.ts; a
 * transition's events (the outbox) land in its batch's transaction.
 */
import Database from 'better-sqlite3';
import { StoreClosedError, UnknownRunError } from '../../core/errors.js';
import type {
  DefinitionKind,
  DefinitionQuery,
  DefinitionRecord,
  NewDefinition,
  PutDefinitionOptions,
  PutDefinitionResult,
} from '../definitions.js';
import type {
  DeadLetterQuery,
  DeliveryCommit,
  EventQuery,
  EventRecord,
  NewEvent,
  ParkedEvent,
  ParkedState,
  PublishResult,
  SubscriptionRecord,
} from '../event-log.js';
import { GroupCommit, Rejected } from '../group-commit.js';
import type {
  CreateRunResult,
  JournalEntry,
  NewRun,
  ReopenRun,
  RunQuery,
  RunRecord,
  RunState,
  Store,
  TaskRecord,
  TimerRecord,
  Transition,
} from '../store.js';
import { type StoreWriteResult, type StoreWrite as Write, writeWeight } from '../store-write.js';
import { duplicateTokenError, type NewToken, type TokenQuery, type TokenRecord } from '../tokens.js';
import { openFailure, operationFailure } from './sqlite-errors.js';
import { deadLetterFilter, type EventReads, eventReads, toSubscription } from './sqlite-event-log.js';
import { migrate } from './sqlite-migrate.js';
import {
  type ResolvedSqliteStoreOptions,
  resolveSqliteStoreOptions,
  type SqliteStoreOptions,
} from './sqlite-options.js';
import { type JournalRow, prepareQueries, type SqliteQueries } from './sqlite-queries.js';
import { adaptiveWriter, inlineWriter, type SqliteWriter, type Translate, threadWriter } from './sqlite-writer.js';
import { rebuildFailure, type WriteResult } from './sqlite-writes.js';

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
    return new SqliteStore(resolved, db);
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
  private readonly path: string;
  private readonly writer: SqliteWriter;
  private readonly writes: GroupCommit<Write, StoreWriteResult>;
  private readonly events: EventReads;
  private readonly readState: Database.Transaction<(runId: string) => RunState | undefined>;
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(
    options: ResolvedSqliteStoreOptions,
    private readonly db: Database.Database,
  ) {
    const q = prepareQueries(db);
    this.q = q;
    this.events = eventReads(q);
    this.path = options.path;
    const translate = (error: Error) => operationFailure(options.path, error);
    const inline = inlineWriter(db, translate);
    this.writer =
      options.writer === 'thread' ? adaptiveWriter(inline, threadWriter(options, translate), INLINE_MAX_BATCH) : inline;
    this.writes = new GroupCommit(
      async (batch) => {
        const results = await this.writer.call('applyBatch', batch);
        return results.map((result, i) => toPortResult(batch[i] as Write, result, translate));
      },
      { maxBatch: options.writer === 'thread' ? THREAD_MAX_BATCH : undefined, weight: writeWeight },
    );

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
  }

  createRun(run: NewRun): Promise<CreateRunResult> {
    return this.writes.submit({ type: 'create', run }) as Promise<CreateRunResult>;
  }

  commit(transition: Transition): Promise<void> {
    return this.writes.submit({ type: 'commit', transition }) as Promise<unknown> as Promise<void>;
  }

  publish(events: readonly NewEvent[]): Promise<PublishResult[]> {
    return this.writes.submit({ type: 'publish', events }) as Promise<PublishResult[]>;
  }

  commitDeliveries(commit: DeliveryCommit): Promise<void> {
    return this.writes.submit({ type: 'deliveries', commit }) as Promise<unknown> as Promise<void>;
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.read(() => this.q.selectRun.get({ id }));
  }

  listRuns(query: RunQuery = {}): Promise<RunRecord[]> {
    return this.read(() =>
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
    return this.read(() => this.readState(id));
  }

  dueTimers(until: number, limit: number): Promise<TimerRecord[]> {
    return this.read(() => this.q.dueTimers.all({ until, limit }));
  }

  claimTasks(queue: string, workerId: string, max: number, leaseMs: number, now: number): Promise<TaskRecord[]> {
    const claim: Write = { type: 'claim', queue, workerId, max, leaseExpiresAt: now + leaseMs, now };
    return this.writes.submit(claim) as Promise<TaskRecord[]>;
  }

  extendTaskLease(taskId: string, workerId: string, leaseMs: number, now: number): Promise<boolean> {
    return this.write(() => this.writer.call('extendTaskLease', taskId, workerId, now + leaseMs, now));
  }

  async completeTask(taskId: string, workerId: string, outcome: string): Promise<boolean> {
    const result = await this.writes.submit({ type: 'complete', taskId, workerId, outcome });
    return (result as { completed: boolean }).completed;
  }

  // A direct statement, not a write of the group commit as claims and reports are: a release is
  // rare (a stopping worker's unstarted tasks), so there is no load for a shared fsync to absorb.
  releaseTask(taskId: string, workerId: string, now: number): Promise<boolean> {
    return this.write(() => this.writer.call('releaseTask', taskId, workerId, now));
  }

  getTask(taskId: string): Promise<TaskRecord | undefined> {
    return this.read(() => this.q.selectTask.get({ id: taskId }));
  }

  cancelTask(taskId: string): Promise<boolean> {
    return this.write(() => this.writer.call('cancelTask', taskId));
  }

  async reopenRun(runId: string, reopen: ReopenRun): Promise<void> {
    const found = await this.write(() => this.writer.call('reopenRun', runId, reopen.from, reopen.at, reopen.input));
    if (!found) throw new UnknownRunError(runId);
  }

  putDefinition(definition: NewDefinition, options: PutDefinitionOptions = {}): Promise<PutDefinitionResult> {
    return this.write(() => this.writer.call('putDefinition', definition, options.replace ?? false));
  }

  getDefinition(kind: DefinitionKind, name: string, version?: number): Promise<DefinitionRecord | undefined> {
    return this.read(() => this.q.selectDefinition.get({ kind, name, version: version ?? null }));
  }

  listDefinitions(kind: DefinitionKind, query: DefinitionQuery = {}): Promise<DefinitionRecord[]> {
    return this.read(() => this.q.listDefinitions.all({ kind, name: query.name ?? null }));
  }

  async putToken(token: NewToken): Promise<void> {
    if (!(await this.write(() => this.writer.call('putToken', token)))) throw duplicateTokenError(token.id);
  }

  findToken(id: string): Promise<TokenRecord | undefined> {
    return this.read(() => this.q.selectToken.get({ id }));
  }

  listTokens(query: TokenQuery = {}): Promise<TokenRecord[]> {
    return this.read(() => this.q.listTokens.all({ namespace: query.namespace ?? null }));
  }

  revokeToken(id: string, now: number): Promise<boolean> {
    return this.write(() => this.writer.call('revokeToken', id, now));
  }

  readEvents(query: EventQuery): Promise<EventRecord[]> {
    return this.read(() => this.events.readEvents(query));
  }

  lastSeq(): Promise<number> {
    return this.read(() => this.events.lastSeq());
  }

  positionAt(time: number): Promise<number> {
    return this.read(() => this.events.positionAt(time));
  }

  getSubscription(name: string): Promise<SubscriptionRecord | undefined> {
    return this.read(() => this.events.getSubscription(name));
  }

  listSubscriptions(): Promise<SubscriptionRecord[]> {
    return this.read(() => this.events.listSubscriptions());
  }

  readParked(subscription: string, states?: readonly ParkedState[]): Promise<ParkedEvent[]> {
    return this.read(() => this.events.readParked(subscription, states));
  }

  listDeadLetters(query?: DeadLetterQuery): Promise<ParkedEvent[]> {
    return this.read(() => this.events.listDeadLetters(query));
  }

  openSubscription(name: string, types: readonly string[], position: number, now: number): Promise<SubscriptionRecord> {
    return this.write(() => this.writer.call('openSubscription', name, types, position, now)).then(toSubscription);
  }

  redrive(query: DeadLetterQuery, now: number): Promise<number> {
    return this.write(() => this.writer.call('redrive', deadLetterFilter(query, -1), now));
  }

  replay(subscription: string, position: number): Promise<void> {
    return this.write(() => this.writer.call('replay', subscription, position));
  }

  /** Waits for pending writes, then closes the file; later calls reject with StoreClosedError. */
  close(): Promise<void> {
    this.closing ??= this.writes
      .close()
      .then(() => this.writer.close())
      .finally(() => {
        this.closed = true;
        this.db.close();
      });
    return this.closing;
  }

  /** Runs a read: rejects once closed, and reports driver errors as Tutti errors. */
  private read<T>(operation: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    try {
      return Promise.resolve(operation());
    } catch (error) {
      return Promise.reject(operationFailure(this.path, error));
    }
  }

  private write<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed || this.closing) return Promise.reject(new StoreClosedError());
    return operation();
  }
}

/**
 * Rows per batch (see writeWeight) handed to the writer thread before the turn ends: small enough
 * that the thread starts while this thread still produces the rest of a burst (and, for a bus,
 * commits one publish while this thread delivers the one before), large enough that the
 * commit's fsync (~0.3 ms) stays small beside the statements (~5-10 µs per row).
 */
const THREAD_MAX_BATCH = 500;

/** Batches up to this size run inline while the writer thread is idle (see adaptiveWriter). */
const INLINE_MAX_BATCH = 4;

/**
 * The port's result for one write: the writer answers `true` for a new run, the stored run for an
 * existing id, the results of a publish as they are.
 */
function toPortResult(write: Write, result: WriteResult, translate: Translate): StoreWriteResult | Rejected {
  if (result !== undefined && result !== true && 'failure' in result) {
    return new Rejected(rebuildFailure(result.failure, translate));
  }
  if (write.type === 'publish' || write.type === 'claim' || write.type === 'complete') {
    return result as PublishResult[] | TaskRecord[] | { completed: boolean };
  }
  if (write.type !== 'create') return undefined;
  if (result === true) {
    const run = write.run;
    return { run: { ...run, status: 'running', output: null, error: null, updatedAt: run.createdAt }, created: true };
  }
  return { run: result as RunRecord, created: false };
}

function toJournalEntry(row: JournalRow): JournalEntry {
  return { ...row, ok: row.ok === 1 };
}
