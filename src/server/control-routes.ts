/**
 * An operator's control of runs, in both APIs: pause, resume, retry, restart (src/engine/run-control.ts).
 * - native: `POST /v1/runs/{id}/pause|resume|retry|restart` (restart takes `{ input? }`), answering the run;
 * - Conductor's: `PUT /api/workflow/{id}/pause|resume`, `POST /api/workflow/{id}/retry|restart`,
 *   `POST /api/workflow/{id}/rerun` (a `RerunWorkflowRequest`: from the start, with
 *   `workflowInput` if given; from a given task is not supported), answering as Conductor does.
 * A run in another state than the action needs is a 409 (RUN_STATE) that says which state it is in.
 */
import type { Context, Hono } from 'hono';
import type { JsonObject } from '../conductor/model.js';
import type { RunInfo } from '../engine/tutti.js';
import { RequestError } from './http-errors.js';
import { type NamespaceRuntime, runtimeOf } from './namespaces.js';
import { optionalJsonObject } from './request.js';

type Action = 'pause' | 'resume' | 'retry' | 'restart';

async function control(c: Context, action: Action, input?: unknown): Promise<RunInfo> {
  const { tutti } = runtimeOf(c) as NamespaceRuntime;
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
      const body = optionalJsonObject(await c.req.text());
      const input = action === 'restart' ? body.input : undefined;
      if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) {
        throw new RequestError('REQUEST_INVALID', 'input: give the new input as a JSON object, or leave it out');
      }
      return c.json(runJson(await control(c, action, input)), 202);
    });
  }
}

/** Conductor's run control under `/api` (mounted on the Conductor sub-app). */
export function registerConductorControlRoutes(app: Hono): void {
  app.put('/workflow/:id/pause', async (c) => {
    await control(c, 'pause');
    return c.body(null, 200);
  });
  app.put('/workflow/:id/resume', async (c) => {
    await control(c, 'resume');
    return c.body(null, 200);
  });
  app.post('/workflow/:id/retry', async (c) => {
    await control(c, 'retry');
    return c.body(null, 200);
  });
  app.post('/workflow/:id/restart', async (c) => {
    await control(c, 'restart');
    return c.body(null, 200);
  });
  app.post('/workflow/:id/rerun', async (c) => {
    const request = optionalJsonObject(await c.req.text());
    if (request.reRunFromTaskId !== undefined && request.reRunFromTaskId !== null) {
      throw new RequestError(
        'REQUEST_INVALID',
        'reRunFromTaskId: rerunning from a task is not supported; leave it out to rerun from the start, or use retry to rerun from the failed task',
      );
    }
    const input = request.workflowInput as JsonObject | undefined | null;
    if (input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input))) {
      throw new RequestError('REQUEST_INVALID', 'workflowInput: give the new input as a JSON object');
    }
    const info = await control(c, 'restart', input ?? undefined);
    return c.text(info.id);
  });
}
