/**
 * Tutti's own HTTP API, `/v1/…` (docs/api.md): readiness, Conductor definitions (register, list,
 * get), and runs of registered definitions (start, get, list, cancel, signal), in the request's
 * namespace. Thin: check the request, call the library, answer JSON. Errors leave through
 * http-errors.ts.
 */
import type { Hono } from 'hono';
import type { JsonObject } from '../conductor/model.js';
import { readDefinitionDocument } from '../conductor/registry.js';
import { UnknownWorkflowError } from '../core/errors.js';
import type { RunInfo } from '../engine/tutti.js';
import { RUN_STATUSES, type RunStatus } from '../store/store.js';
import { registerNativeControlRoutes } from './control-routes.js';
import { RequestError } from './http-errors.js';
import { runtimeOf } from './namespaces.js';
import { optionalVersion, readBody } from './request.js';
import { CancelRun, Signal, StartRun } from './schemas.js';

const STATUSES: readonly string[] = RUN_STATUSES;

/** Adds the `/v1/…` routes of runs and definitions to the server's app (app.ts). */
export function registerNativeRoutes(app: Hono): void {
  registerNativeControlRoutes(app, runJson);
  app.get('/v1/ready', async (c) => {
    const { tutti } = runtimeOf(c);
    try {
      await tutti.store.listRuns({ limit: 1 });
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ status: 'unavailable', reason: 'the store does not answer' }, 503);
    }
  });

  // ---- definitions ------------------------------------------------------------------------------

  app.post('/v1/definitions', async (c) => {
    const { registry } = runtimeOf(c);
    const text = await c.req.text();
    const replace = c.req.query('replace') === 'true';
    const document = readDefinitionDocument(text, { format: 'json', source: 'the request body' });
    const registrations =
      document.kind === 'workflow'
        ? [await registry.registerWorkflow(document.definition, { replace })]
        : await registry.registerTaskDefs(document.definitions, { replace });
    const created = registrations.some((r) => r.outcome !== 'unchanged');
    return c.json({ registrations }, created ? 201 : 200);
  });
  app.get('/v1/definitions/workflows', async (c) => {
    const { registry } = runtimeOf(c);
    const list = await registry.listWorkflows({ name: c.req.query('name') });
    return c.json(list.map(({ name, version, registeredAt }) => ({ name, version, registeredAt })));
  });
  app.get('/v1/definitions/workflows/:name', async (c) => {
    const version = optionalVersion(c.req.query('version'));
    return c.json(await runtimeOf(c).definitions.registered(c.req.param('name'), version));
  });
  app.get('/v1/definitions/tasks', async (c) => c.json(await runtimeOf(c).registry.listTaskDefs()));

  // ---- runs ---------------------------------------------------------------------------------------

  app.post('/v1/runs', async (c) => {
    const { tutti, registry, definitions } = runtimeOf(c);
    const { workflow, version, input, id } = await readBody(c, StartRun);
    // A registered Conductor definition, else a workflow the server was given in code
    // (startServer({ workflows })): the engine knows it by name (an unknown one is a 404).
    const registered = await registry.getWorkflow(workflow, version);
    const run = registered
      ? await tutti.start(await definitions.workflow(workflow, version), (input ?? {}) as JsonObject, { id })
      : await tutti.start(workflow, input ?? {}, { id }).catch(async (error: unknown) => {
          // Neither: the registry's error names the definitions it has (with a did-you-mean).
          if (error instanceof UnknownWorkflowError) await definitions.workflow(workflow, version);
          throw error;
        });
    return c.json(runJson(await run.info()), run.created ? 201 : 200);
  });
  app.get('/v1/runs', async (c) => {
    const { tutti } = runtimeOf(c);
    const status = c.req.query('status');
    const statuses = status?.split(',').map((s) => s.trim());
    const bad = statuses?.find((s) => !STATUSES.includes(s));
    if (bad !== undefined) {
      throw new RequestError('REQUEST_INVALID', `status: '${bad}' is not a run status; use ${STATUSES.join(', ')}`);
    }
    const limit = c.req.query('limit') === undefined ? 50 : Number(c.req.query('limit'));
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) {
      throw new RequestError('REQUEST_INVALID', 'limit: give a whole number from 1 to 1000');
    }
    const runs = await tutti.listRuns({
      status: statuses as RunStatus[] | undefined,
      workflow: c.req.query('workflow'),
      before: c.req.query('before'),
      limit,
    });
    return c.json(runs.map(runJson));
  });
  app.get('/v1/runs/:id', async (c) => {
    const { tutti } = runtimeOf(c);
    const info = await tutti.getRun(c.req.param('id'));
    if (!info) throw new RequestError('NOT_FOUND', `no run '${c.req.param('id')}'`);
    const json = runJson(info);
    if (c.req.query('steps') === 'true') {
      const state = await tutti.store.readRunState(info.id);
      json.steps = (state?.journal ?? []).map((entry) => ({
        position: entry.position,
        kind: entry.kind,
        name: entry.name,
        ok: entry.ok,
        output: entry.output === null ? null : JSON.parse(entry.output),
        attempts: entry.attempts,
        startedAt: new Date(entry.startedAt).toISOString(),
        finishedAt: new Date(entry.finishedAt).toISOString(),
      }));
    }
    return c.json(json);
  });
  app.post('/v1/runs/:id/cancel', async (c) => {
    const { tutti } = runtimeOf(c);
    const { reason } = await readBody(c, CancelRun);
    await tutti.cancel(c.req.param('id'), reason);
    return c.json(runJson((await tutti.getRun(c.req.param('id'))) as RunInfo), 202);
  });
  app.post('/v1/runs/:id/signals/:name', async (c) => {
    const { tutti } = runtimeOf(c);
    const data = await readBody(c, Signal);
    if (!(await tutti.getRun(c.req.param('id')))) throw new RequestError('NOT_FOUND', `no run '${c.req.param('id')}'`);
    const published = await tutti.signal(c.req.param('id'), c.req.param('name'), data);
    return c.json({ signal: c.req.param('name'), eventId: published.id }, 202);
  });
}

function runJson(info: RunInfo): Record<string, unknown> {
  return {
    id: info.id,
    workflow: info.workflow,
    version: info.version,
    status: info.status,
    input: info.input,
    output: info.output ?? null,
    error: info.error ?? null,
    parentId: info.parentId,
    createdAt: info.createdAt.toISOString(),
    updatedAt: info.updatedAt.toISOString(),
  };
}
