/**
 * Steps that run on remote workers (remote-service.ts), through the store's task queue.
 *
 * The engine side, `dispatch`: an attempt of a remote step enqueues a task whose id is derived
 * from the run, the position and the attempt, and waits for its outcome. The worker side, `poll`
 * (a long-poll), `heartbeat` and `report`: a worker claims tasks under a lease, extends it while
 * it works, and reports the outcome, which the store keeps with the task. A worker that dies
 * lets its lease expire and the task goes to the next poll (redelivery); a worker that stops
 * hands back (`release`) the tasks it claimed but has not started, which go to the next poll at once.
 *
 * Nothing is lost or done twice across a crash of the engine's process: the outcome is durable
 * before the worker is told it was accepted, the task is removed by the same transition that
 * journals its outcome, and an attempt dispatched again after a restart finds its task (same id)
 * with its lease or its outcome as the crash left them.
 */
import { RemoteTaskError, TaskNotHeldError } from '../core/errors.js';
import type { StepContext } from '../core/types.js';
import type { Store, TaskRecord } from '../store/store.js';
import { Halted } from './run-journal.js';
import { idempotencyKey } from './step-attempt.js';

/** What a worker reports: the step's result, or its error. */
export type TaskOutcome = { ok: true; value: unknown } | { ok: false; error: RemoteFailure };

/** A remote step's error, as the worker describes it. */
export interface RemoteFailure {
  message: string;
  /** The worker's own code for it. */
  code?: string;
  /** false: do not retry (a declined card); @default true */
  retryable?: boolean;
}

export interface DispatchRequest {
  queue: string;
  runId: string;
  position: number;
  attempt: number;
  /** The step's name in its service (the task's name, which the worker dispatches on). */
  name: string;
  /** 'service.step', for error messages. */
  step: string;
  /** The input as JSON text (encoded by the engine), or null for none. */
  input: string | null;
}

export interface PollRequest {
  queue: string;
  workerId: string;
  /** Tasks to claim at most. */
  max: number;
  leaseMs: number;
  /** How long to wait for a task when none is ready (0: answer at once). */
  waitMs: number;
  /** Stops waiting (the client went away). */
  signal?: AbortSignal;
}

/** A claimed task as a worker sees it. */
export interface ClaimedTask extends TaskRecord {
  /** Same for every attempt of the step: for the worker's own de-duplication. */
  idempotencyKey: string;
}

/** A task as a worker sees it: with the idempotency key of its step. */
export function claimedTask(task: TaskRecord): ClaimedTask {
  return { ...task, idempotencyKey: idempotencyKey(task.runId, task.position) };
}

/** How often a waiting poll looks again without a wake-up: for leases that expire, tasks that become visible. */
const RECHECK_MS = 1_000;

export class TaskQueue {
  private readonly waiters = new Map<string, (outcome: TaskOutcome) => void>();
  private readonly sleepers = new Map<string, Set<() => void>>();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
  ) {}

  /** The id of a step attempt's task: the same on every dispatch of that attempt. */
  static taskId(runId: string, position: number, attempt: number): string {
    return `${runId}:${position}:${attempt}`;
  }

  /**
   * Runs one attempt of a remote step: enqueues its task (once) and resolves with the worker's
   * result, or throws its error. Aborting `ctx.signal` (a timeout, a cancelled run) withdraws the
   * task; an engine shutdown leaves it to the worker, and the next start picks up its outcome.
   */
  async dispatch(request: DispatchRequest, ctx: StepContext): Promise<unknown> {
    const id = TaskQueue.taskId(request.runId, request.position, request.attempt);
    const signal = ctx.signal;
    const outcome = new Promise<TaskOutcome>((resolve, reject) => {
      this.waiters.set(id, resolve);
      signal.addEventListener(
        'abort',
        () => {
          this.waiters.delete(id);
          if (!(signal.reason instanceof Halted)) void this.store.cancelTask(id).catch(() => {});
          reject(signal.reason);
        },
        { once: true },
      );
    });
    const now = this.clock();
    await this.store.commit({
      runId: request.runId,
      at: now,
      enqueue: [
        {
          id,
          queue: request.queue,
          runId: request.runId,
          position: request.position,
          name: request.name,
          input: request.input,
          attempt: request.attempt,
          visibleAt: now,
        },
      ],
    });
    this.wake(request.queue);
    const existing = await this.store.getTask(id);
    if (existing?.outcome) this.settle(id, JSON.parse(existing.outcome) as TaskOutcome);
    const result = await outcome;
    if (result.ok) return result.value;
    throw new RemoteTaskError(request.step, result.error.message, result.error);
  }

  /** Claims tasks of a queue; when none is ready, waits up to `waitMs` for one (a long-poll). */
  async poll(request: PollRequest): Promise<ClaimedTask[]> {
    const deadline = this.clock() + request.waitMs;
    for (;;) {
      const tasks = await this.store.claimTasks(
        request.queue,
        request.workerId,
        request.max,
        request.leaseMs,
        this.clock(),
      );
      if (tasks.length > 0 && request.signal?.aborted) {
        // The client went away while they were claimed: nobody will receive them (a stopping worker
        // that gave up its poll). Handed back, they need not wait out their leases.
        await this.handBack(request.queue, request.workerId, tasks);
        return [];
      }
      const left = deadline - this.clock();
      if (tasks.length > 0 || left <= 0 || request.signal?.aborted || this.stopped) {
        return tasks.map(claimedTask);
      }
      await this.sleep(request.queue, Math.min(left, RECHECK_MS), request.signal);
      // A poll whose client went away claims nothing more: it would lease tasks nobody receives.
      if (request.signal?.aborted || this.stopped) return [];
    }
  }

  /** Extends the worker's lease; throws TaskNotHeldError when it no longer holds the task. */
  async heartbeat(taskId: string, workerId: string, leaseMs: number): Promise<number> {
    const now = this.clock();
    if (await this.store.extendTaskLease(taskId, workerId, leaseMs, now)) return now + leaseMs;
    throw await this.notHeld(taskId, workerId);
  }

  /**
   * Records the worker's outcome (durably) and hands it to the waiting step. Throws
   * TaskNotHeldError when the worker does not hold the task; the outcome is then dropped.
   */
  async report(taskId: string, workerId: string, outcome: TaskOutcome): Promise<void> {
    if (!(await this.store.completeTask(taskId, workerId, JSON.stringify(outcome)))) {
      throw await this.notHeld(taskId, workerId);
    }
    this.settle(taskId, outcome);
  }

  /**
   * Hands a claimed task back, unstarted (a worker that stops): its lease ends and the next poll
   * of its queue, from any worker, claims it; waiting polls are woken as by an enqueue. Throws
   * TaskNotHeldError when the worker does not hold the task.
   */
  async release(taskId: string, workerId: string): Promise<void> {
    if (!(await this.store.releaseTask(taskId, workerId, this.clock()))) {
      throw await this.notHeld(taskId, workerId);
    }
    const task = await this.store.getTask(taskId);
    if (task) this.wake(task.queue);
  }

  /**
   * Ends the polls that are waiting (they answer what they have: nothing) and makes later polls
   * answer at once: for a server that shuts down, so that no long-poll holds it up.
   */
  stopPolls(): void {
    this.stopped = true;
    for (const queue of [...this.sleepers.keys()]) this.wake(queue);
  }

  /** True once stopPolls was called. */
  get pollsStopped(): boolean {
    return this.stopped;
  }

  /** Whether some step of this process waits for the task (its run is live here). */
  awaited(taskId: string): boolean {
    return this.waiters.has(taskId);
  }

  private settle(taskId: string, outcome: TaskOutcome): void {
    const resolve = this.waiters.get(taskId);
    this.waiters.delete(taskId);
    resolve?.(outcome);
  }

  private async notHeld(taskId: string, workerId: string): Promise<Error> {
    const task = await this.store.getTask(taskId);
    if (!task) return new TaskNotHeldError(taskId, 'there is no such task (finished, withdrawn, or never enqueued)');
    if (task.outcome !== null) {
      return new TaskNotHeldError(taskId, `its outcome was already reported by worker '${task.workerId}'`);
    }
    if (task.workerId !== workerId) {
      return new TaskNotHeldError(
        taskId,
        task.workerId === null
          ? `no worker holds it (worker '${workerId}' has not claimed it, or handed it back)`
          : `its lease expired and worker '${task.workerId}' holds it now`,
      );
    }
    return new TaskNotHeldError(taskId, `the lease of worker '${workerId}' expired; heartbeat more often`);
  }

  /** Best effort: a task that cannot be handed back is left to its lease. */
  private async handBack(queue: string, workerId: string, tasks: readonly TaskRecord[]): Promise<void> {
    const now = this.clock();
    await Promise.all(tasks.map((task) => this.store.releaseTask(task.id, workerId, now).catch(() => false)));
    this.wake(queue);
  }

  private wake(queue: string): void {
    const sleepers = this.sleepers.get(queue);
    if (!sleepers) return;
    this.sleepers.delete(queue);
    for (const wake of sleepers) wake();
  }

  private sleep(queue: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      let sleepers = this.sleepers.get(queue);
      if (!sleepers) {
        sleepers = new Set();
        this.sleepers.set(queue, sleepers);
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.sleepers.get(queue)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      sleepers.add(done);
    });
  }
}
