/**
 * An operator's control of runs, in both APIs: pause, resume, retry, restart (src/engine/run-control.ts).
 * - native: `POST /v1/runs/{id}/pause|resume|retry|restart` (restart takes `{ input? }`), answering the run;
 * - Conductor's: `PUT /api/workflow/{id}/pause|resume`, `POST /api/workflow/{id}/retry|restart`,
 *   `POST /api/workflow/{id}/rerun` (a `RerunWorkflowRequest`: from the start, with
 *   `workflowInput` if given, or from the task `reRunFromTaskId`), and
 *   `PUT /api/workflow/{id}/skiptask/{ref}`, answering as Conductor does.
 * A run in another state than the action needs is a 409 (RUN_STATE) that says which state it is in.
 */
import type { Context, Hono } from 'hono';
import type { JsonObject } from '../conductor/model.js';
import type { RunInfo } from '../engine/tutti.js';
import { RerunWorkflowRequest, SkipTaskRequest } from './conductor/conductor-schemas.js';
import { RequestError } from './http-errors.js';
import { runtimeOf } from './namespaces.js';
import { readBody } from './request.js';
import { ControlRun, RestartRun } from './schemas.js';

type Action = 'pause' | 'resume' | 'retry' | 'restart';

async function control(c: Context, action: Action, restart: { input?: unknown; from?: number } = {}): Promise<RunInfo> {
  const { tutti } = runtimeOf(c);
  const id = c.req.param('id') as string;
  if (!(await tutti.getRun(id))) throw new RequestError('NOT_FOUND', `no run '${id}'`);
  if (action === 'pause') await tutti.pause(id);
  else if (action === 'resume') await tutti.resume(id);
  else if (action === 'retry') await tutti.retry(id);
  else await tutti.restart(id, restart);
  return (await tutti.getRun(id)) as RunInfo;
}

/** `POST /v1/runs/{id}/pause|resume|retry|restart`; `runJson` shapes the answer as the other run routes do. */
export function registerNativeControlRoutes(app: Hono, runJson: (info: RunInfo) => unknown): void {
  for (const action of ['pause', 'resume', 'retry', 'restart'] as const) {
    app.post(`/v1/runs/:id/${action}`, async (c) => {
      // pause, resume and retry take no fields: a field sent to them is a mistake worth saying.
      const body = action === 'restart' ? await readBody(c, RestartRun) : await readBody(c, ControlRun);
      return c.json(runJson(await control(c, action, body)), 202);
    });
  }
}

/** Conductor's run control under `/api` (mounted on the Conductor sub-app). */
export function registerConductorControlRoutes(app: Hono): void {
  const verbs = [
    ['put', 'pause'],
    ['put', 'resume'],
    ['post', 'retry'],
    ['post', 'restart'],
  ] as const;
  for (const [verb, action] of verbs) {
    app[verb](`/workflow/:id/${action}`, async (c) => {
      await control(c, action);
      return c.body(null, 200);
    });
  }
  app.put('/workflow/:id/skiptask/:ref', async (c) => {
    const { tutti, definitions, skips } = runtimeOf(c);
    const runId = c.req.param('id');
    const request = { ...skipQuery(c), ...definedFields(await readBody(c, SkipTaskRequest)) };
    const run = await tutti.getRun(runId);
    if (!run) throw new RequestError('NOT_FOUND', `no workflow '${runId}'`);
    const def = await definitions.registered(run.workflow, Number(run.version));
    await skips.skip(tutti, {
      runId,
      taskReferenceName: c.req.param('ref'),
      def: def.definition,
      taskInput: (request.taskInput ?? {}) as JsonObject,
      taskOutput: (request.taskOutput ?? {}) as JsonObject,
    });
    return c.body(null, 200);
  });
  app.post('/workflow/:id/rerun', async (c) => {
    const request = await readBody(c, RerunWorkflowRequest);
    const fromTask = request.reRunFromTaskId ?? undefined;
    if (fromTask === undefined) {
      const info = await control(c, 'restart', { input: request.workflowInput ?? undefined });
      return c.text(info.id);
    }
    if (request.workflowInput) {
      throw new RequestError(
        'REQUEST_INVALID',
        'workflowInput: a rerun from a task keeps the input the tasks before it ran with; leave reRunFromTaskId out to rerun from the start with a new input',
      );
    }
    if (request.taskInput && Object.keys(request.taskInput).length > 0) {
      throw new RequestError(
        'REQUEST_INVALID',
        "taskInput: a task's input comes from its inputParameters, evaluated again when it reruns; change the workflow's input or the tasks before it instead",
      );
    }
    const info = await control(c, 'restart', { from: taskPosition(c.req.param('id'), fromTask) });
    return c.text(info.id);
  });
}

/**
 * A SkipTaskRequest's fields given in the query (Conductor's server binds them from there too,
 * and older clients send them so), each as JSON text; the body's fields win over them.
 */
function skipQuery(c: Context): { taskInput?: unknown; taskOutput?: unknown } {
  const fields: { taskInput?: unknown; taskOutput?: unknown } = {};
  for (const field of ['taskInput', 'taskOutput'] as const) {
    const text = c.req.query(field);
    if (text === undefined) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new RequestError(
        'REQUEST_INVALID',
        `${field} (query): must be a JSON object, e.g. ${field}=${encodeURIComponent('{"skipped":true}')}; got ${JSON.stringify(text.slice(0, 80))}`,
      );
    }
    fields[field] = value;
  }
  return fields;
}

/** The fields of a body that are set (Conductor's clients send null for unset ones). */
function definedFields<T extends object>(body: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(body).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<T>;
}

/**
 * Where a rerun from task `taskId` starts: the journal position in the id. Task ids are
 * `<workflowId>:<position>:…`, both those of `GET /api/workflow/{id}` and those workers poll.
 */
function taskPosition(workflowId: string, taskId: string): number {
  const rest = taskId.startsWith(`${workflowId}:`) ? taskId.slice(workflowId.length + 1) : undefined;
  const position = rest === undefined ? Number.NaN : Number(rest.split(':')[0]);
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new RequestError(
      'REQUEST_INVALID',
      `reRunFromTaskId: '${taskId}' is not a task of workflow '${workflowId}'; take a taskId from GET /api/workflow/${workflowId} (a sub-workflow's task: rerun that sub-workflow)`,
    );
  }
  return position;
}
