/**
 * An operator's control of runs, in both APIs: pause, resume, retry, restart (src/engine/run-control.ts).
 * - native: `POST /v1/runs/{id}/pause|resume|retry|restart` (restart takes `{ input? }`), answering the run;
 * - Conductor's: `PUT /api/workflow/{id}/pause|resume`, `POST /api/workflow/{id}/retry|restart`,
 *   `POST /api/workflow/{id}/rerun` (a `RerunWorkflowRequest`: from the start, with
 *   `workflowInput` if given; from a given task is not supported), answering as Conductor does.
 * A run in another state than the action needs is a 409 (RUN_STATE) that says which state it is in.
 */
import type { Context, Hono } from 'hono';
import type { RunInfo } from '../engine/tutti.js';
import { RerunWorkflowRequest } from './conductor/conductor-schemas.js';
import { RequestError } from './http-errors.js';
import { runtimeOf } from './namespaces.js';
import { readBody } from './request.js';
import { ControlRun, RestartRun } from './schemas.js';

type Action = 'pause' | 'resume' | 'retry' | 'restart';

async function control(c: Context, action: Action, input?: unknown): Promise<RunInfo> {
  const { tutti } = runtimeOf(c);
  const id = c.req.param('id') as string;
  if (!(await tutti.getRun(id))) throw new RequestError('NOT_FOUND', `no run '${id}'`);
  if (action === 'pause') await tutti.pause(id);
  else if (action === 'resume') await tutti.resume(id);
  else if (action === 'retry') await tutti.retry(id);
  else await tutti.restart(id, input === undefined ? {} : { input });
  return (await tutti.getRun(id)) as RunInfo;
}

/** `POST /v1/runs/{id}/pause|resume|retry|restart`; `runJson` shapes the answer as the other run routes do. */
export function registerNativeControlRoutes(app: Hono, runJson: (info: RunInfo) => unknown): void {
  for (const action of ['pause', 'resume', 'retry', 'restart'] as const) {
    app.post(`/v1/runs/:id/${action}`, async (c) => {
      // pause, resume and retry take no fields: a field sent to them is a mistake worth saying.
      const body = action === 'restart' ? await readBody(c, RestartRun) : await readBody(c, ControlRun);
      return c.json(runJson(await control(c, action, 'input' in body ? body.input : undefined)), 202);
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
  app.post('/workflow/:id/rerun', async (c) => {
    const request = await readBody(c, RerunWorkflowRequest);
    if (request.reRunFromTaskId !== undefined && request.reRunFromTaskId !== null) {
      throw new RequestError(
        'REQUEST_INVALID',
        'reRunFromTaskId: rerunning from a task is not supported; leave it out to rerun from the start, or use retry to rerun from the failed task',
      );
    }
    const info = await control(c, 'restart', request.workflowInput ?? undefined);
    return c.text(info.id);
  });
}
