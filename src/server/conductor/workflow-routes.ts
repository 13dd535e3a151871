/**
 * Conductor's workflow API (`/api/workflow/…`) for its SDKs' `WorkflowExecutor`: start (by a
 * `StartWorkflowRequest`, or by name with the input as the body; the id comes back as
 * `text/plain`), execute and wait, get (with its tasks), status, running ids, terminate.
 * Runs are Tutti runs of the registered definitions; ids are UUIDs, as Conductor's.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { JsonObject } from '../../conductor/model.js';
import { IN_FLIGHT_STATUSES } from '../../store/store.js';
import { RequestError } from '../http-errors.js';
import { runtimeOf } from '../namespaces.js';
import { field, jsonObject, optionalJsonObject, optionalVersion } from '../request.js';
import { workflowJson, workflowStatus } from './conductor-json.js';

/** Longest wait of a synchronous execute. */
const MAX_WAIT_SECONDS = 60;

export function registerWorkflowRoutes(app: Hono): void {
  const start = async (c: Context, name: string, version: number | undefined, input: JsonObject) => {
    const { tutti, definitions } = runtimeOf(c);
    const workflow = await definitions.workflow(name, version);
    return tutti.start(workflow, input, { id: randomUUID() });
  };
  const startRequest = (body: Record<string, unknown>) => {
    const name = field(body, 'name', 'string', 'the name of a registered workflow definition') as string;
    if (body.workflowDef !== undefined) {
      throw new RequestError(
        'REQUEST_INVALID',
        'workflowDef: starting an unregistered definition is not supported; register it with POST /api/metadata/workflow, then start it by name',
      );
    }
    const version = body.version === undefined || body.version === null ? undefined : versionField(body.version);
    const input = body.input === undefined || body.input === null ? {} : field(body, 'input', 'object', 'the input');
    return { name, version, input: input as JsonObject };
  };
  const found = async (c: Context) => {
    const id = c.req.param('id') as string;
    const info = await runtimeOf(c).tutti.getRun(id);
    if (!info) throw new RequestError('NOT_FOUND', `no workflow '${id}'`);
    return info;
  };

  app.post('/workflow', async (c) => {
    const request = startRequest(jsonObject(await c.req.text()));
    const run = await start(c, request.name, request.version, request.input);
    return c.text(run.id);
  });
  app.post('/workflow/execute/:name/:version', async (c) => {
    const { taskLog } = runtimeOf(c);
    const body = optionalJsonObject(await c.req.text());
    const input = (body.input ?? {}) as JsonObject;
    if (typeof input !== 'object' || Array.isArray(input)) {
      throw new RequestError('REQUEST_INVALID', 'input: give the workflow input as a JSON object');
    }
    const seconds = Math.min(Number(c.req.query('waitForSeconds') ?? 10) || 10, MAX_WAIT_SECONDS);
    const run = await start(c, c.req.param('name'), optionalVersion(c.req.param('version')), input);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      run.result().catch(() => {}),
      new Promise((resolve) => {
        timer = setTimeout(resolve, seconds * 1000);
      }),
    ]);
    clearTimeout(timer);
    const json = workflowJson(await run.info(), taskLog.tasks(run.id) ?? []);
    return c.json({ ...json, requestId: c.req.query('requestId') ?? null });
  });
  app.post('/workflow/:name', async (c) => {
    const input = optionalJsonObject(await c.req.text()) as JsonObject;
    const run = await start(c, c.req.param('name'), optionalVersion(c.req.query('version')), input);
    return c.text(run.id);
  });

  app.get('/workflow/running/:name', async (c) => {
    const { tutti } = runtimeOf(c);
    const version = optionalVersion(c.req.query('version'));
    const runs = await tutti.listRuns({ status: IN_FLIGHT_STATUSES, workflow: c.req.param('name'), limit: 1000 });
    return c.json(runs.filter((r) => version === undefined || r.version === String(version)).map((r) => r.id));
  });
  app.get('/workflow/:id', async (c) => {
    const { taskLog } = runtimeOf(c);
    const info = await found(c);
    const includeTasks = c.req.query('includeTasks') !== 'false';
    return c.json(workflowJson(info, includeTasks ? (taskLog.tasks(info.id) ?? []) : undefined));
  });
  app.get('/workflow/:id/status', async (c) => {
    const info = await found(c);
    const status: JsonObject = { workflowId: info.id, status: workflowStatus(info) };
    if (c.req.query('includeOutput') === 'true') status.output = (info.output ?? {}) as JsonObject;
    if (c.req.query('includeVariables') === 'true') status.variables = {};
    return c.json(status);
  });
  app.delete('/workflow/:id', async (c) => {
    const { tutti } = runtimeOf(c);
    const info = await found(c);
    await tutti.cancel(info.id, c.req.query('reason') ?? 'terminated through the Conductor API');
    return c.body(null, 200);
  });
}

function versionField(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new RequestError('REQUEST_INVALID', `version: ${JSON.stringify(value)} is not a whole number >= 1`);
  }
  return value as number;
}
