/**
 * The Conductor-compatible API under `/api/…` (docs/conductor.md): what Netflix Conductor's SDKs
 * call, answered from Tutti's registry, runs and task queue. Errors take Conductor's
 * `ErrorResponse` shape; an unknown route under `/api` is a Conductor-shaped 404 too.
 */
import { Hono } from 'hono';
import type { DefinitionRegistry } from '../../conductor/registry.js';
import type { Logger } from '../../core/logger.js';
import type { Tutti } from '../../engine/tutti.js';
import type { DefinitionsRuntime } from '../definitions-runtime.js';
import { RequestError } from '../http-errors.js';
import { conductorErrorResponse } from './conductor-json.js';
import { registerMetadataRoutes } from './metadata-routes.js';
import type { ConductorTaskLog } from './task-log.js';
import { registerTaskRoutes } from './task-routes.js';
import { registerWorkflowRoutes } from './workflow-routes.js';

export interface ConductorApiOptions {
  tutti: Tutti;
  registry: DefinitionRegistry;
  definitions: DefinitionsRuntime;
  taskLog: ConductorTaskLog;
  logger: Logger;
}

/** A Hono app to mount at `/api`. */
export function conductorApi(options: ConductorApiOptions): Hono {
  const app = new Hono();
  app.onError((error, c) => {
    const { status, body, unexpected, headers } = conductorErrorResponse(error);
    if (unexpected) options.logger.error('request failed', { method: c.req.method, path: c.req.path, error });
    return c.json(body, status as 400, headers);
  });
  registerMetadataRoutes(app, options.registry);
  registerWorkflowRoutes(app, options);
  registerTaskRoutes(app, options.tutti, options.registry);
  app.all('*', (c) => {
    throw new RequestError(
      'NOT_FOUND',
      `no route ${c.req.method} ${c.req.path} in Tutti's Conductor API; see docs/conductor.md`,
    );
  });
  return app;
}
