/**
 * The in-memory store: the reference adapter of the store port, for tests and examples that need
 * no durability. It goes through the same group commit as the durable adapters, so timing and
 * ordering behave alike; nothing survives the process.
 */
import { JournalConflictError, StoreClosedError, UnknownRunError } from '../../core/errors.js';
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
import { GroupCommit } from '../group-commit.js';
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
import { isFinished } from '../store.js';
import type { StoreWriteResult, StoreWrite as Write } from '../store-write.js';
import type { NewToken, TokenQuery, TokenRecord } from '../tokens.js';
import { MemoryDefinitions } from './memory-definitions.js';
import { MemoryEventLog } from './memory-event-log.js';
import { MemoryTokens } from './memory-tokens.js';

interface RunSlot {
  run: RunRecord;
  /** Creation order, for newest-first listing. */
  seq: number;
  journal: Map<number, JournalEntry>;
  timers: Map<number, TimerRecord>;
}

export type MemoryStoreOptions = {};

/** Creates an empty in-memory store. @example const store = createMemoryStore(); */
export function createMemoryStore(_options: MemoryStoreOptions = {}): Store {
  return new MemoryStore();
}

class MemoryStore implements Store {
  readonly kind = 'memory';
  private readonly runs = new Map<string, RunSlot>();
  private readonly tasks = new Map<string, TaskRecord>();
  private taskSeq = 0;
  private readonly taskOrder = new Map<string, number>();
  private seq = 0;
  private closed = false;
  private readonly log = new MemoryEventLog();
  private readonly definitions = new MemoryDefinitions();
  private readonly tokens = new MemoryTokens();
  private readonly writes = new GroupCommit<Write, StoreWriteResult>((batch) => this.applyBatch(batch));

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

  async readEvents(query: EventQuery): Promise<EventRecord[]> {
    this.assertOpen();
    return this.log.readEvents(query);
  }

  async lastSeq(): Promise<number> {
    this.assertOpen();
    return this.log.lastSeq();
  }

  async positionAt(time: number): Promise<number> {
    this.assertOpen();
    return this.log.positionAt(time);
  }

  async openSubscription(
    name: string,
    types: readonly string[],
    position: number,
    now: number,
  ): Promise<SubscriptionRecord> {
    this.assertOpen();
    return this.log.openSubscription(name, types, position, now);
  }

  async getSubscription(name: string): Promise<SubscriptionRecord | undefined> {
    this.assertOpen();
    return this.log.getSubscription(name);
  }

  async listSubscriptions(): Promise<SubscriptionRecord[]> {
    this.assertOpen();
    return this.log.listSubscriptions();
  }

  async readParked(subscription: string, states?: readonly ParkedState[]): Promise<ParkedEvent[]> {
    this.assertOpen();
    return this.log.readParked(subscription, states);
  }

  async listDeadLetters(query?: DeadLetterQuery): Promise<ParkedEvent[]> {
    this.assertOpen();
    return this.log.listDeadLetters(query);
  }

  async redrive(query: DeadLetterQuery, now: number): Promise<number> {
    this.assertOpen();
    return this.log.redrive(query, now);
  }

  async replay(subscription: string, position: number): Promise<void> {
    this.assertOpen();
    this.log.replay(subscription, position);
  }

  async putDefinition(definition: NewDefinition, options: PutDefinitionOptions = {}): Promise<PutDefinitionResult> {
    this.assertOpen();
    return this.definitions.put(definition, options.replace ?? false);
  }

  async getDefinition(kind: DefinitionKind, name: string, version?: number): Promise<DefinitionRecord | undefined> {
    this.assertOpen();
    return this.definitions.get(kind, name, version);
  }

  async listDefinitions(kind: DefinitionKind, query?: DefinitionQuery): Promise<DefinitionRecord[]> {
    this.assertOpen();
    return this.definitions.list(kind, query);
  }

  async putToken(token: NewToken): Promise<void> {
    this.assertOpen();
    this.tokens.put(token);
  }

  async findToken(id: string): Promise<TokenRecord | undefined> {
    this.assertOpen();
    return this.tokens.find(id);
  }

  async listTokens(query?: TokenQuery): Promise<TokenRecord[]> {
    this.assertOpen();
    return this.tokens.list(query);
  }

  async revokeToken(id: string, now: number): Promise<boolean> {
    this.assertOpen();
    return this.tokens.revoke(id, now);
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    this.assertOpen();
    const slot = this.runs.get(id);
    return slot && { ...slot.run };
  }

  async listRuns(query: RunQuery = {}): Promise<RunRecord[]> {
    this.assertOpen();
    const limit = query.limit ?? 100;
    const beforeSeq = query.before === undefined ? Number.POSITIVE_INFINITY : (this.runs.get(query.before)?.seq ?? -1);
    const matches: RunSlot[] = [];
    for (const slot of this.runs.values()) {
      const run = slot.run;
      if (slot.seq >= beforeSeq) continue;
      if (query.status && !query.status.includes(run.status)) continue;
      if (query.workflow !== undefined && run.workflow !== query.workflow) continue;
      if (query.parentId !== undefined && run.parentId !== query.parentId) continue;
      matches.push(slot);
    }
    matches.sort((a, b) => b.seq - a.seq);
    return matches.slice(0, limit).map((slot) => ({ ...slot.run }));
  }

  async readRunState(id: string): Promise<RunState | undefined> {
    this.assertOpen();
    const slot = this.runs.get(id);
    if (!slot) return undefined;
    return {
      run: { ...slot.run },
      journal: [...slot.journal.values()].sort((a, b) => a.position - b.position).map((e) => ({ ...e })),
      timers: [...slot.timers.values()].sort((a, b) => a.position - b.position).map((t) => ({ ...t })),
    };
  }

  async dueTimers(until: number, limit: number): Promise<TimerRecord[]> {
    this.assertOpen();
    const due: TimerRecord[] = [];
    for (const slot of this.runs.values()) {
      for (const timer of slot.timers.values()) if (timer.fireAt <= until) due.push({ ...timer });
    }
    return due.sort((a, b) => a.fireAt - b.fireAt).slice(0, limit);
  }

  async claimTasks(queue: string, workerId: string, max: number, leaseMs: number, now: number): Promise<TaskRecord[]> {
    this.assertOpen();
    const claim: Write = { type: 'claim', queue, workerId, max, leaseExpiresAt: now + leaseMs, now };
    return this.writes.submit(claim) as Promise<TaskRecord[]>;
  }

  private claim({ queue, workerId, max, leaseExpiresAt, now }: Extract<Write, { type: 'claim' }>): TaskRecord[] {
    const claimable = [...this.tasks.values()]
      .filter(
        (t) =>
          t.queue === queue &&
          t.visibleAt <= now &&
          t.outcome === null &&
          (t.leaseExpiresAt === null || t.leaseExpiresAt <= now),
      )
      .sort((a, b) => a.visibleAt - b.visibleAt || (this.taskOrder.get(a.id) ?? 0) - (this.taskOrder.get(b.id) ?? 0))
      .slice(0, max);
    for (const task of claimable) {
      task.workerId = workerId;
      task.leaseExpiresAt = leaseExpiresAt;
    }
    return claimable.map((t) => ({ ...t }));
  }

  async extendTaskLease(taskId: string, workerId: string, leaseMs: number, now: number): Promise<boolean> {
    this.assertOpen();
    const task = this.tasks.get(taskId);
    if (!task || task.workerId !== workerId || (task.leaseExpiresAt ?? 0) <= now) return false;
    task.leaseExpiresAt = now + leaseMs;
    return true;
  }

  async completeTask(taskId: string, workerId: string, outcome: string): Promise<boolean> {
    this.assertOpen();
    const result = await this.writes.submit({ type: 'complete', taskId, workerId, outcome });
    return (result as { completed: boolean }).completed;
  }

  private complete(taskId: string, workerId: string, outcome: string): boolean {
    const task = this.tasks.get(taskId);
    if (!task || task.workerId !== workerId || task.outcome !== null) return false;
    task.outcome = outcome;
    task.leaseExpiresAt = null;
    return true;
  }

  // Outside the group commit, like extendTaskLease (see the SQLite adapter's releaseTask).
  async releaseTask(taskId: string, workerId: string, now: number): Promise<boolean> {
    this.assertOpen();
    const task = this.tasks.get(taskId);
    if (!task || task.workerId !== workerId || task.outcome !== null || (task.leaseExpiresAt ?? 0) <= now) return false;
    task.workerId = null;
    task.leaseExpiresAt = null;
    return true;
  }

  async reopenRun(runId: string, reopen: ReopenRun): Promise<void> {
    this.assertOpen();
    const slot = this.runs.get(runId);
    if (!slot) throw new UnknownRunError(runId);
    for (const position of [...slot.journal.keys()]) if (position >= reopen.from) slot.journal.delete(position);
    for (const position of [...slot.timers.keys()]) if (position >= reopen.from) slot.timers.delete(position);
    for (const task of [...this.tasks.values()]) {
      if (task.runId === runId && task.position >= reopen.from) this.dropTask(task.id);
    }
    Object.assign(slot.run, { status: 'running', output: null, error: null, updatedAt: reopen.at });
    if (reopen.input !== undefined) slot.run.input = reopen.input;
  }

  async getTask(taskId: string): Promise<TaskRecord | undefined> {
    this.assertOpen();
    const task = this.tasks.get(taskId);
    return task && { ...task };
  }

  async cancelTask(taskId: string): Promise<boolean> {
    this.assertOpen();
    return this.dropTask(taskId);
  }

  private dropTask(taskId: string): boolean {
    this.taskOrder.delete(taskId);
    return this.tasks.delete(taskId);
  }

  async close(): Promise<void> {
    await this.writes.close();
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreClosedError();
  }

  // Validates the whole batch before changing anything, so a failing batch leaves no trace and
  // the group commit can re-apply it write by write, like a rolled-back transaction.
  // Positions written earlier in the same batch (or twice in one transition) conflict too.
  private applyBatch(batch: readonly Write[]): StoreWriteResult[] {
    const created = new Set<string>();
    const written = new Set<string>();
    for (const write of batch) {
      if (write.type === 'create') created.add(write.run.id);
      else if (write.type === 'publish' || write.type === 'claim' || write.type === 'complete') continue;
      else if (write.type === 'deliveries') this.log.checkDeliveries(write.commit);
      else if (!this.runs.has(write.transition.runId) && !created.has(write.transition.runId)) {
        throw new UnknownRunError(write.transition.runId);
      } else {
        for (const entry of write.transition.journal ?? []) {
          const key = `${entry.runId}\u0000${entry.position}`;
          if (written.has(key) || this.runs.get(entry.runId)?.journal.has(entry.position)) {
            throw new JournalConflictError(entry);
          }
          written.add(key);
        }
      }
    }
    return batch.map((write) => this.applyWrite(write));
  }

  private applyWrite(write: Write): StoreWriteResult {
    switch (write.type) {
      case 'create':
        return this.create(write.run);
      case 'commit':
        return this.apply(write.transition);
      case 'publish':
        return this.log.append(write.events);
      case 'deliveries':
        return this.log.applyDeliveries(write.commit);
      case 'claim':
        return this.claim(write);
      case 'complete':
        return { completed: this.complete(write.taskId, write.workerId, write.outcome) };
    }
  }

  private create(run: NewRun): CreateRunResult {
    const existing = this.runs.get(run.id);
    if (existing) return { run: { ...existing.run }, created: false };
    const record: RunRecord = { ...run, status: 'running', output: null, error: null, updatedAt: run.createdAt };
    this.runs.set(run.id, { run: record, seq: this.seq++, journal: new Map(), timers: new Map() });
    return { run: { ...record }, created: true };
  }

  private apply(t: Transition): undefined {
    const slot = this.runs.get(t.runId) as RunSlot;
    if (t.journal) for (const entry of t.journal) slot.journal.set(entry.position, { ...entry });
    if (t.clearTimer !== undefined) slot.timers.delete(t.clearTimer);
    if (t.setTimer) slot.timers.set(t.setTimer.position, { ...t.setTimer });
    if (t.publish) this.log.append(t.publish);
    if (t.dropTasks) for (const id of t.dropTasks) this.dropTask(id);
    if (t.enqueue) {
      for (const task of t.enqueue) {
        if (this.tasks.has(task.id)) continue;
        this.tasks.set(task.id, { ...task, workerId: null, leaseExpiresAt: null, outcome: null });
        this.taskOrder.set(task.id, this.taskSeq++);
      }
    }
    const run = slot.run;
    // Every run that finishes passes here: without remote tasks, look at none.
    if (this.tasks.size > 0 && t.status !== undefined && isFinished(t.status)) {
      for (const task of [...this.tasks.values()]) if (task.runId === t.runId) this.dropTask(task.id);
    }
    if (t.status !== undefined) run.status = t.status;
    if (t.output !== undefined) run.output = t.output;
    if (t.error !== undefined) run.error = t.error;
    run.updatedAt = t.at;
    return undefined;
  }
}
