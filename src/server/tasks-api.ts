/**
 * Tutti's own worker protocol, `/v1/tasks/…`, which `tutti/client` speaks: a worker claims the
 * tasks of a queue (a remote service's name) by long-poll, or keeps a Server-Sent Events stream
 * open and is pushed tasks as they are enqueued (no poll interval to wait out); it heartbeats
 * while it works and reports the output or the error. Every claimed task is leased: a worker
 * that dies lets its lease run out and the task goes to another; one that stops hands back the
 * tasks it has not started (release), and they go to another at once.
 */
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ClaimedTask } from '../engine/task-queue.js';
import type { Tutti } from '../engine/tutti.js';
import { RequestError } from './http-errors.js';
import { runtimeOf } from './namespaces.js';
import { readBody, wholeNumberParam } from './request.js';
import {
  CompleteTask,
  FailTask,
  Heartbeat,
  PollTasks,
  ReleaseTask,
  TASK_LEASE_MS,
  TASK_MAX,
  TASK_WAIT_MS,
} from './schemas.js';

/** Lease of a claimed task unless the worker asks for another. @default 30000 */
export const DEFAULT_LEASE_MS = TASK_LEASE_MS.fallback;
/** How often a full stream looks for tasks whose lease ran out (they free their slots). */
const SWEEP_MS = 1_000;
/** A stream that has nothing to send says so this often, so that proxies keep it open. */
const KEEPALIVE_MS = 15_000;

/** A claimed task as the worker protocol sends it. */
export function taskJson(task: ClaimedTask) {
  return {
    id: task.id,
    queue: task.queue,
    step: task.name,
    runId: task.runId,
    attempt: task.attempt,
    input: JSON.parse(task.input ?? 'null') as unknown,
    idempotencyKey: task.idempotencyKey,
    leaseExpiresAt: task.leaseExpiresAt,
  };
}

export function registerWorkerRoutes(app: Hono): void {
  /**
   * Open streams by namespace and worker id: a report or a release from that worker may free a
   * slot of one.
   */
  const streams = new Map<string, Set<(taskId: string) => void>>();
  const streamKey = (c: Context, workerId: string) => `${runtimeOf(c).name}/${workerId}`;
  const letGo = (c: Context, workerId: string) => {
    for (const done of streams.get(streamKey(c, workerId)) ?? []) done(c.req.param('id') as string);
  };

  app.post('/v1/tasks/poll', async (c) => {
    const { tutti } = runtimeOf(c);
    const body = await readBody(c, PollTasks);
    const tasks = await tutti.tasks.poll({
      queue: body.queue,
      workerId: body.workerId,
      max: body.max ?? TASK_MAX.fallback,
      leaseMs: body.leaseMs ?? TASK_LEASE_MS.fallback,
      waitMs: body.waitMs ?? TASK_WAIT_MS.fallback,
      signal: c.req.raw.signal,
    });
    return c.json(tasks.map(taskJson));
  });

  app.get('/v1/tasks/stream', (c) => {
    const { tutti } = runtimeOf(c);
    const queue = requiredParam(c, 'queue');
    const workerId = requiredParam(c, 'workerId');
    const max = wholeNumberParam(c.req.query('max'), 'max', TASK_MAX);
    const leaseMs = wholeNumberParam(c.req.query('leaseMs'), 'leaseMs', TASK_LEASE_MS);
    return streamSSE(c, async (stream) => {
      const aborted = new AbortController();
      stream.onAbort(() => aborted.abort());
      const held = new Set<string>();
      let wake: () => void = () => {};
      // A report or a release frees its slot at once; a lease that ran out is found by a sweep
      // once a second.
      const waker = (taskId: string) => {
        if (held.delete(taskId)) wake();
      };
      const key = streamKey(c, workerId);
      const open = streams.get(key) ?? new Set();
      streams.set(key, open.add(waker));
      let swept = Date.now();
      let lastSent = Date.now();
      try {
        while (!aborted.signal.aborted && !tutti.tasks.pollsStopped) {
          if (Date.now() - swept >= SWEEP_MS) {
            await forgetFinished(tutti, held, workerId);
            swept = Date.now();
          }
          if (held.size >= max) {
            // Full: wait for this worker to report, or for a lease to run out; a full stream is
            // quiet for as long as its steps run, so it says it is alive as an idle one does.
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, SWEEP_MS);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
            if (Date.now() - lastSent >= KEEPALIVE_MS) {
              await stream.writeSSE({ event: 'ping', data: '' });
              lastSent = Date.now();
            }
            continue;
          }
          const tasks = await tutti.tasks.poll({
            queue,
            workerId,
            max: max - held.size,
            leaseMs,
            waitMs: KEEPALIVE_MS,
            signal: aborted.signal,
          });
          if (tasks.length === 0) await stream.writeSSE({ event: 'ping', data: '' });
          lastSent = Date.now();
          for (const task of tasks) {
            held.add(task.id);
            await stream.writeSSE({ event: 'task', id: task.id, data: JSON.stringify(taskJson(task)) });
          }
        }
      } finally {
        open.delete(waker);
        if (open.size === 0) streams.delete(key);
      }
    });
  });

  app.post('/v1/tasks/:id/heartbeat', async (c) => {
    const { tutti } = runtimeOf(c);
    const { workerId, leaseMs } = await readBody(c, Heartbeat);
    const leaseExpiresAt = await tutti.tasks.heartbeat(c.req.param('id'), workerId, leaseMs ?? TASK_LEASE_MS.fallback);
    return c.json({ leaseExpiresAt });
  });
  app.post('/v1/tasks/:id/complete', async (c) => {
    const { tutti } = runtimeOf(c);
    const { workerId, output } = await readBody(c, CompleteTask);
    await tutti.tasks.report(c.req.param('id'), workerId, { ok: true, value: output ?? null });
    letGo(c, workerId);
    return c.json({ accepted: true });
  });
  app.post('/v1/tasks/:id/fail', async (c) => {
    const { tutti } = runtimeOf(c);
    const { workerId, error } = await readBody(c, FailTask);
    await tutti.tasks.report(c.req.param('id'), workerId, { ok: false, error });
    letGo(c, workerId);
    return c.json({ accepted: true });
  });
  app.post('/v1/tasks/:id/release', async (c) => {
    const { tutti } = runtimeOf(c);
    const { workerId } = await readBody(c, ReleaseTask);
    await tutti.tasks.release(c.req.param('id'), workerId);
    letGo(c, workerId);
    return c.body(null, 204);
  });
}

/** Drops from `held` the tasks this worker no longer holds: reported, withdrawn, or lease expired. */
async function forgetFinished(tutti: Tutti, held: Set<string>, workerId: string): Promise<void> {
  const now = Date.now();
  for (const id of held) {
    const task = await tutti.store.getTask(id);
    const holding = task && task.outcome === null && task.workerId === workerId && (task.leaseExpiresAt ?? 0) > now;
    if (!holding) held.delete(id);
  }
}

function requiredParam(c: Context, name: string): string {
  const value = c.req.query(name);
  if (!value) throw new RequestError('REQUEST_INVALID', `${name}: missing; give it as a query parameter`);
  return value;
}
