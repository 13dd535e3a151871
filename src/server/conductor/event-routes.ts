/**
 * Conductor's event handler API (`/api/event`): add (POST; a changed handler under a taken name
 * is a 409), update (PUT), list, list those of one event, and remove (DELETE: the handler stops
 * and is kept inactive). The handlers run on the namespace's bus (event-handlers.ts).
 */
import type { Hono } from 'hono';
import { RequestError } from '../http-errors.js';
import { runtimeOf } from '../namespaces.js';
import { readBody } from '../request.js';
import { EventHandler } from './conductor-schemas.js';
import { handlerEventType } from './event-handlers.js';

export function registerEventHandlerRoutes(app: Hono): void {
  app.post('/event', async (c) => {
    const { eventHandlers } = runtimeOf(c);
    const handler = await readBody(c, EventHandler);
    if ((await eventHandlers.put(handler, false)) === 'conflict') {
      throw new RequestError(
        'CONFLICT',
        `event handler '${String((handler as { name?: unknown }).name)}' exists with other settings; update it with PUT /api/event`,
      );
    }
    return c.body(null, 200);
  });
  app.put('/event', async (c) => {
    await runtimeOf(c).eventHandlers.put(await readBody(c, EventHandler), true);
    return c.body(null, 200);
  });
  app.get('/event', async (c) => c.json(await runtimeOf(c).eventHandlers.list()));
  app.get('/event/:event', async (c) => {
    const type = handlerEventType(c.req.param('event'));
    const activeOnly = c.req.query('activeOnly') !== 'false';
    const handlers = await runtimeOf(c).eventHandlers.list();
    return c.json(handlers.filter((h) => handlerEventType(h.event) === type && (!activeOnly || h.active !== false)));
  });
  app.delete('/event/:name', async (c) => {
    if (!(await runtimeOf(c).eventHandlers.remove(c.req.param('name')))) {
      throw new RequestError('NOT_FOUND', `no event handler '${c.req.param('name')}'`);
    }
    return c.body(null, 200);
  });
}
