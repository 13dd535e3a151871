/**
 * Conductor's worker protocol (`/api/tasks/…`), as its SDKs' `TaskManager`/`TaskHandler` speak
 * it: batch poll (`200 []` when there is nothing), single poll (`204`), the result by
 * `POST /api/tasks` (the task id as text) or `POST /api/tasks/update-v2` (the next task of the same
 * type in the answer, or an empty body), and `IN_PROGRESS` results that keep the task leased.
 *
 * A polled task is leased for its task definition's `responseTimeoutSeconds`: a worker that
 * reports nothing by then has its task handed to the next poll. `IN_PROGRESS` with
 * `extendLease` renews that lease; with `callbackAfterSeconds` the task comes back to a poll
 * after that many seconds (Conductor's way of checking on a long job later).
 */
import type { Context, Hono } from 'hono';
import type { Static } from 'typebox';
import { TaskNotHeldError } from '../../core/errors.js';
import { type ClaimedTask, claimedTask, type TaskOutcome } from '../../engine/task-queue.js';
import { RequestError } from '../http-errors.js';
import { runtimeOf } from '../namespaces.js';
import { readBody, wholeNumberParam } from '../request.js';
import { polledTaskJson } from './conductor-json.js';
import { refuseExternalPayload, TaskResult } from './conductor-schemas.js';

/** Lease of a polled task whose definition gives no responseTimeoutSeconds. @default 600 */
export const DEFAULT_RESPONSE_TIMEOUT_SECONDS = 600;
/** Longest long-poll, whatever the worker asks for. */
const MAX_POLL_WAIT_MS = 30_000;
/** Task definitions' response timeouts are read again after this long. */
const TASK_DEF_CACHE_MS = 5_000;

export function registerTaskRoutes(app: Hono): void {
  /** By namespace and task type. */
  const timeouts = new Map<string, { seconds: number; readAt: number }>();
  const responseTimeout = async (c: Context, type: string): Promise<number> => {
    const { name, registry } = runtimeOf(c);
    const key = `${name}/${type}`;
    const cached = timeouts.get(key);
    if (cached && Date.now() - cached.readAt < TASK_DEF_CACHE_MS) return cached.seconds;
    const def = await registry.getTaskDef(type);
    const seconds = def?.definition.responseTimeoutSeconds || DEFAULT_RESPONSE_TIMEOUT_SECONDS;
    timeouts.set(key, { seconds, readAt: Date.now() });
    return seconds;
  };

  const poll = async (c: Context, type: string, max: number, waitMs: number) => {
    const { tutti } = runtimeOf(c);
    const workerId = c.req.query('workerid') || `anonymous-${c.req.header('x-forwarded-for') ?? 'worker'}`;
    const seconds = await responseTimeout(c, type);
    const tasks = await tutti.tasks.poll({
      queue: type,
      workerId,
      max,
      leaseMs: seconds * 1000,
      waitMs,
      signal: c.req.raw.signal,
    });
    return Promise.all(tasks.map((task) => conductorTask(c, task)));
  };
  /** A claimed task in Conductor's shape, with its run's workflow name and its lease in seconds. */
  const conductorTask = async (c: Context, task: ClaimedTask) =>
    polledTaskJson(
      task,
      (await runtimeOf(c).tutti.store.getRun(task.runId))?.workflow,
      await responseTimeout(c, task.name),
    );

  app.get('/tasks/poll/batch/:type', async (c) => {
    const count = wholeNumberParam(c.req.query('count'), 'count', { fallback: 1, min: 1, max: 1000 });
    const timeout = wholeNumberParam(c.req.query('timeout'), 'timeout', {
      fallback: 100,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
    });
    return c.json(await poll(c, c.req.param('type'), count, Math.min(timeout, MAX_POLL_WAIT_MS)));
  });
  app.get('/tasks/poll/:type', async (c) => {
    const [task] = await poll(c, c.req.param('type'), 1, 0);
    return task ? c.json(task) : c.body(null, 204);
  });

  const update = async (c: Context) => {
    const { tutti } = runtimeOf(c);
    const result = await readBody(c, TaskResult);
    refuseExternalPayload('externalOutputPayloadStoragePath', result.externalOutputPayloadStoragePath, 'output');
    const { taskId, status } = result;
    const task = await tutti.store.getTask(taskId);
    if (!task) throw new RequestError('NOT_FOUND', `no task '${taskId}' (finished, withdrawn, or never polled)`);
    const workerId = typeof result.workerId === 'string' && result.workerId !== '' ? result.workerId : task.workerId;
    if (workerId === null) throw new TaskNotHeldError(taskId, 'no worker has polled it yet');
    if (status === 'IN_PROGRESS') {
      const callback = result.callbackAfterSeconds ?? 0;
      const seconds = callback > 0 ? callback : await responseTimeout(c, task.name);
      await tutti.tasks.heartbeat(taskId, workerId, seconds * 1000);
    } else {
      await tutti.tasks.report(taskId, workerId, outcome(result));
    }
    return { task, workerId };
  };

  app.post('/tasks', async (c) => {
    const { task } = await update(c);
    return c.text(task.id);
  });
  app.post('/tasks/update-v2', async (c) => {
    const { tutti } = runtimeOf(c);
    const { task, workerId } = await update(c);
    // The next task of the same type for the same worker, so that a busy worker skips a poll.
    const [next] = await tutti.tasks.poll({
      queue: task.name,
      workerId,
      max: 1,
      leaseMs: (await responseTimeout(c, task.name)) * 1000,
      waitMs: 0,
    });
    return next ? c.json(await conductorTask(c, next)) : c.text('');
  });
  app.get('/tasks/:taskId', async (c) => {
    const { tutti } = runtimeOf(c);
    const task = await tutti.store.getTask(c.req.param('taskId'));
    if (!task) throw new RequestError('NOT_FOUND', `no task '${c.req.param('taskId')}' waits or runs`);
    const json = await conductorTask(c, claimedTask(task));
    return c.json({ ...json, status: task.workerId === null ? 'SCHEDULED' : 'IN_PROGRESS' });
  });
}

function outcome(result: Static<typeof TaskResult.schema>): TaskOutcome {
  const { status } = result;
  if (status === 'COMPLETED') return { ok: true, value: result.outputData ?? {} };
  return {
    ok: false,
    error: {
      message: result.reasonForIncompletion ?? `the worker reported ${status}`,
      code: status,
      retryable: status !== 'FAILED_WITH_TERMINAL_ERROR',
    },
  };
}
