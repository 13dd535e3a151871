/**
 * Conductor's metadata API (`/api/metadata/…`): workflow definitions (register, update, list,
 * get) and task definitions (register a list, update one, list, get), on Tutti's registry.
 * A changed definition under a registered version is a 409 unless `overwrite=true` (POST) or
 * the update verb (PUT) says to replace it, as in Conductor.
 */
import type { Hono } from 'hono';
import type { TaskDef, WorkflowDef } from '../../conductor/model.js';
import { RequestError } from '../http-errors.js';
import { runtimeOf } from '../namespaces.js';
import { optionalVersion, readBody } from '../request.js';
import { TaskDef as TaskDefBody, TaskDefList, WorkflowDef as WorkflowDefBody, WorkflowDefList } from '../schemas.js';

export function registerMetadataRoutes(app: Hono): void {
  app.post('/metadata/workflow', async (c) => {
    const { registry } = runtimeOf(c);
    const def = (await readBody(c, WorkflowDefBody)) as WorkflowDef;
    await registry.registerWorkflow(def, { replace: c.req.query('overwrite') === 'true' });
    return c.body(null, 200);
  });
  app.put('/metadata/workflow', async (c) => {
    const { registry } = runtimeOf(c);
    const defs = (await readBody(c, WorkflowDefList)) as WorkflowDef[];
    const names: string[] = [];
    for (const def of defs) {
      await registry.registerWorkflow(def, { replace: true });
      names.push(def.name);
    }
    return c.json({ bulkErrorResults: {}, bulkSuccessfulResults: names });
  });
  app.get('/metadata/workflow', async (c) => {
    const { registry } = runtimeOf(c);
    const list = await registry.listWorkflows({ name: c.req.query('name') });
    return c.json(list.map((registered) => registered.definition));
  });
  app.get('/metadata/workflow/:name', async (c) => {
    const version = optionalVersion(c.req.query('version'));
    return c.json((await runtimeOf(c).definitions.registered(c.req.param('name'), version)).definition);
  });

  app.post('/metadata/taskdefs', async (c) => {
    const { registry } = runtimeOf(c);
    const defs = (await readBody(c, TaskDefList)) as TaskDef[];
    await registry.registerTaskDefs(defs);
    return c.body(null, 200);
  });
  app.put('/metadata/taskdefs', async (c) => {
    const { registry } = runtimeOf(c);
    const def = (await readBody(c, TaskDefBody)) as TaskDef;
    await registry.registerTaskDefs([def], { replace: true });
    return c.body(null, 200);
  });
  app.get('/metadata/taskdefs', async (c) => {
    const { registry } = runtimeOf(c);
    const list = await registry.listTaskDefs();
    return c.json(list.map((registered) => registered.definition));
  });
  app.get('/metadata/taskdefs/:name', async (c) => {
    const { registry } = runtimeOf(c);
    const found = await registry.getTaskDef(c.req.param('name'));
    if (!found) {
      throw new RequestError(
        'NOT_FOUND',
        `no task definition '${c.req.param('name')}'; register it with POST /api/metadata/taskdefs`,
      );
    }
    return c.json(found.definition);
  });
}
