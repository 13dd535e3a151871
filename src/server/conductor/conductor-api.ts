/**
 * The Conductor-compatible API under `/api/…` (docs/conductor.md): what Netflix Conductor's SDKs
 * call, answered from the namespace's registry, runs and task queue.
 */
import { Hono } from 'hono';
import { registerConductorControlRoutes } from '../control-routes.js';
import { registerEventHandlerRoutes } from './event-routes.js';
import { registerMetadataRoutes } from './metadata-routes.js';
import { registerTaskRoutes } from './task-routes.js';
import { registerWorkflowRoutes } from './workflow-routes.js';

/** A Hono app to mount at `/api`; errors and unknown routes are answered by the server's app (app.ts). */
export function conductorApi(): Hono {
  const app = new Hono();
  registerMetadataRoutes(app);
  registerWorkflowRoutes(app);
  registerTaskRoutes(app);
  registerConductorControlRoutes(app);
  registerEventHandlerRoutes(app);
  return app;
}
