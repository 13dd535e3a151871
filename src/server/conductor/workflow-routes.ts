/**
 * Conductor's workflow API (`/api/workflow/…`) for its SDKs' `WorkflowExecutor`: start (by a
 * `StartWorkflowRequest`, or by name with the input as the body; the id comes back as
 * `text/plain`), execute and wait, get (with its tasks), status, running ids, terminate.
 * Runs are Tutti runs of the registered definitions; ids are UUIDs, as Conductor's (derived
 * from the `idempotencyKey` when one is given: idempotency.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { JsonObject } from '../../conductor/model.js';
import { IN_FLIGHT_STATUSES } from '../../store/store.js';
import { RequestError } from '../http-errors.js';
import { runtimeOf } from '../namespaces.js';
import { optionalVersion, readBody } from '../request.js';
import { workflowJson, workflowStatus } from './conductor-json.js';
import {
  ExecuteWorkflowRequest,
  refuseExternalPayload,
  StartWorkflowRequest,
  WorkflowInput,
} from './conductor-schemas.js';
import { checkFirstStart, type Idempotency, idempotencyOf, idempotentRunId } from './idempotency.js';

/** Longest wait of a synchronous execute. */
const MAX_WAIT_SECONDS = 60;

export function registerWorkflowRoutes(app: Hono): void {
  const start = async (
    c: Context,
    name: string,
    version: number | undefined,
    input: JsonObject,
    idempotency?: Idempotency,
  ) => {
    const { tutti, definitions } = runtimeOf(c);
    const workflow = await definitions.workflow(name, version);
    const id = idempotency ? idempotentRunId(name, idempotency.key) : randomUUID();
    const run = await tutti.start(workflow, input, { id });
    if (idempotency) checkFirstStart(run, idempotency);
    return run;
  };
  const found = async (c: Context) => {
    const id = c.req.param('id') as string;
    const info = await runtimeOf(c).tutti.getRun(id);
    if (!info) throw new RequestError('NOT_FOUND', `no workflow '${id}'`);
    return info;
  };

  app.post('/workflow', async (c) => {
    const request = await readBody(c, StartWorkflowRequest);
    refuseExternalPayload('externalInputPayloadStoragePath', request.externalInputPayloadStoragePath, 'input');
    if (request.workflowDef !== undefined && request.workflowDef !== null) {
      throw new RequestError(
        'REQUEST_INVALID',
        'workflowDef: starting an unregistered definition is not supported; register it with POST /api/metadata/workflow, then start it by name',
      );
    }
    const input = (request.input ?? {}) as JsonObject;
    const run = await start(c, request.name, request.version ?? undefined, input, idempotencyOf(request));
    return c.text(run.id);
  });
  app.post('/workflow/execute/:name/:version', async (c) => {
    const { taskLog } = runtimeOf(c);
    const request = await readBody(c, ExecuteWorkflowRequest);
    refuseExternalPayload('externalInputPayloadStoragePath', request.externalInputPayloadStoragePath, 'input');
    const input = (request.input ?? {}) as JsonObject;
    const seconds = Math.min(Number(c.req.query('waitForSeconds') ?? 10) || 10, MAX_WAIT_SECONDS);
    const version = optionalVersion(c.req.param('version'));
    const run = await start(c, c.req.param('name'), version, input, idempotencyOf(request));
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
    const input = (await readBody(c, WorkflowInput)) as JsonObject;
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
