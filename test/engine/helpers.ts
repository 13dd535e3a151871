/**
 * Shared helpers of the engine tests: promises to steer steps from the test, a way to capture a
 * rejection, polling for a stored status, and store wrappers (one that outlives a Tutti instance
 * like a file on disk does, one whose commits resolve only when the test releases them).
 */
import assert from 'node:assert/strict';
import type { RunStatus, Store } from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { NewRun, Transition } from '../../src/store/store.js';

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The value `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    const value = await promise;
    assert.fail(`expected a rejection, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error;
  }
}

/** Rejects with a clear message when `promise` does not settle within `ms` (a hang becomes a failure). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Lets several event-loop turns pass (group commits are cut with setImmediate). */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Waits until the stored run has `status` (fails after `ms`). */
export async function waitForStatus(store: Store, runId: string, status: RunStatus, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const run = await store.getRun(runId);
    if (run?.status === status) return;
    if (Date.now() > deadline) assert.fail(`run '${runId}' did not reach status '${status}' (is '${run?.status}')`);
    await sleep(2);
  }
}

/** Resolves once `count` callers have arrived: proves that they were all in flight at once. */
export function barrier(count: number, ms = 2000): () => Promise<void> {
  let arrived = 0;
  const all = deferred();
  return () => {
    if (++arrived === count) all.resolve();
    return within(all.promise, ms, `barrier of ${count} (only ${arrived} arrived)`);
  };
}

/**
 * A Store that delegates to an in-memory store. Subclasses override what they observe or delay.
 * Commits are tracked so that `flush` can wait for every write issued so far.
 */
export class DelegatingStore implements Store {
  readonly kind = 'memory-wrapper';
  protected readonly pending = new Set<Promise<void>>();

  constructor(readonly inner: Store = createMemoryStore()) {}

  createRun(run: NewRun) {
    return this.inner.createRun(run);
  }
  commit(transition: Transition): Promise<void> {
    const written = this.inner.commit(transition);
    this.pending.add(written);
    const forget = () => this.pending.delete(written);
    written.then(forget, forget);
    return written;
  }
  getRun(id: string) {
    return this.inner.getRun(id);
  }
  listRuns(query?: Parameters<Store['listRuns']>[0]) {
    return this.inner.listRuns(query);
  }
  readRunState(id: string) {
    return this.inner.readRunState(id);
  }
  dueTimers(until: number, limit: number) {
    return this.inner.dueTimers(until, limit);
  }
  claimTasks(queue: string, workerId: string, max: number, leaseMs: number, now: number) {
    return this.inner.claimTasks(queue, workerId, max, leaseMs, now);
  }
  extendTaskLease(taskId: string, workerId: string, leaseMs: number, now: number) {
    return this.inner.extendTaskLease(taskId, workerId, leaseMs, now);
  }
  completeTask(taskId: string, workerId: string, outcome: string) {
    return this.inner.completeTask(taskId, workerId, outcome);
  }
  releaseTask(taskId: string, workerId: string, now: number) {
    return this.inner.releaseTask(taskId, workerId, now);
  }
  reopenRun(runId: string, reopen: Parameters<Store['reopenRun']>[1]) {
    return this.inner.reopenRun(runId, reopen);
  }
  getTask(taskId: string) {
    return this.inner.getTask(taskId);
  }
  cancelTask(taskId: string) {
    return this.inner.cancelTask(taskId);
  }
  publish(events: Parameters<Store['publish']>[0]) {
    return this.inner.publish(events);
  }
  readEvents(query: Parameters<Store['readEvents']>[0]) {
    return this.inner.readEvents(query);
  }
  lastSeq() {
    return this.inner.lastSeq();
  }
  positionAt(time: number) {
    return this.inner.positionAt(time);
  }
  openSubscription(...args: Parameters<Store['openSubscription']>) {
    return this.inner.openSubscription(...args);
  }
  getSubscription(name: string) {
    return this.inner.getSubscription(name);
  }
  listSubscriptions() {
    return this.inner.listSubscriptions();
  }
  commitDeliveries(commit: Parameters<Store['commitDeliveries']>[0]) {
    return this.inner.commitDeliveries(commit);
  }
  readParked(...args: Parameters<Store['readParked']>) {
    return this.inner.readParked(...args);
  }
  listDeadLetters(query?: Parameters<Store['listDeadLetters']>[0]) {
    return this.inner.listDeadLetters(query);
  }
  redrive(...args: Parameters<Store['redrive']>) {
    return this.inner.redrive(...args);
  }
  replay(...args: Parameters<Store['replay']>) {
    return this.inner.replay(...args);
  }
  putDefinition(...args: Parameters<Store['putDefinition']>) {
    return this.inner.putDefinition(...args);
  }
  getDefinition(...args: Parameters<Store['getDefinition']>) {
    return this.inner.getDefinition(...args);
  }
  listDefinitions(...args: Parameters<Store['listDefinitions']>) {
    return this.inner.listDefinitions(...args);
  }
  putToken(...args: Parameters<Store['putToken']>) {
    return this.inner.putToken(...args);
  }
  findToken(...args: Parameters<Store['findToken']>) {
    return this.inner.findToken(...args);
  }
  listTokens(...args: Parameters<Store['listTokens']>) {
    return this.inner.listTokens(...args);
  }
  revokeToken(...args: Parameters<Store['revokeToken']>) {
    return this.inner.revokeToken(...args);
  }
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Plays the part of a database file: `tutti.close()` flushes it but leaves its contents, so a
 * second Tutti instance on it sees what the first one left (a restart). `destroy()` closes it.
 */
export class PersistentStore extends DelegatingStore {
  override close(): Promise<void> {
    return this.flush();
  }
  destroy(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Commits reach the inner store at once, but the promise returned to the engine resolves only
 * when the test releases it, in issue order (as a store reports durability). Each commit is
 * logged with the moment it was reported durable.
 */
export class GatedStore extends DelegatingStore {
  readonly log: { transition: Transition; durable: boolean }[] = [];
  private readonly held: { written: Promise<void>; gate: Deferred; entry: { durable: boolean } }[] = [];
  private waiters: { test: (t: Transition) => boolean; found: Deferred<void> }[] = [];

  override commit(transition: Transition): Promise<void> {
    const written = super.commit(transition);
    const gate = deferred();
    const entry = { transition, durable: false };
    this.log.push(entry);
    this.held.push({ written, gate, entry });
    for (const waiter of this.waiters.filter((w) => w.test(transition))) waiter.found.resolve();
    this.waiters = this.waiters.filter((w) => !w.test(transition));
    return gate.promise.then(() => written);
  }

  /** Resolves when a commit matching `test` has been issued (now or later). */
  issued(test: (t: Transition) => boolean, ms = 2000): Promise<void> {
    if (this.log.some((e) => test(e.transition))) return Promise.resolve();
    const found = deferred();
    this.waiters.push({ test, found });
    return within(found.promise, ms, 'waiting for a commit');
  }

  /** Reports every commit issued so far as durable, oldest first. */
  async releaseAll(): Promise<void> {
    const batch = this.held.splice(0);
    for (const { written, gate, entry } of batch) {
      await written;
      entry.durable = true;
      gate.resolve();
    }
  }

  get heldCount(): number {
    return this.held.length;
  }
}

export const isStepJournal = (name: string) => (t: Transition) =>
  t.journal?.some((e) => e.kind === 'step' && e.name === name) ?? false;
