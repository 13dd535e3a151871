/**
 * The server's HTTP app: every route of the native API (`/v1/…`) and of the Conductor-compatible
 * API (`/api/…`), behind, in order: health and the OpenAPI document (open to all; every route is
 * listed in api-routes.ts), the body size limit, the token check
 * and the rate limit per token (when tokens are on), and the runtime of the token's namespace.
 * Errors leave in the shape of the API asked: `{ error: { code, message } }` under `/v1`,
 * Conductor's `ErrorResponse` under `/api`.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { EventContract } from '../contracts/event-contract.js';
import type { Logger } from '../core/logger.js';
import type { TokenStore } from '../store/tokens.js';
import { requireToken } from './auth.js';
import { conductorApi } from './conductor/conductor-api.js';
import { conductorErrorResponse } from './conductor/conductor-json.js';
import { GenerateTokenRequest } from './conductor/conductor-schemas.js';
import { registerEventRoutes } from './events-api.js';
import { errorResponse, RequestError } from './http-errors.js';
import { DEFAULT_NAMESPACE, type Namespaces } from './namespaces.js';
import { registerNativeRoutes } from './native-api.js';
import { openApiDocument } from './openapi.js';
import { rateLimit } from './rate-limit.js';
import { readBody } from './request.js';
import { registerWorkerRoutes } from './tasks-api.js';
import { exchangeKey } from './tokens.js';

export interface ServerAppOptions {
  namespaces: Namespaces;
  /** Where tokens are kept; none: no token is asked for and every request is in the default namespace. */
  tokens: TokenStore | undefined;
  logger: Logger;
  /** Largest request body, in bytes. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /** Requests per second per token, and the burst. @default { perSecond: 100, burst: 200 } */
  rateLimit?: { perSecond: number; burst: number };
  /** True once the server shuts down: new requests (on kept-alive connections) get a 503. */
  closing?: () => boolean;
  /** Contracts `POST /v1/events` validates event data against, in every namespace. @default none */
  events?: readonly EventContract<any>[];
  /** Refuse events of a type with no contract in `events`. @default false */
  strictEvents?: boolean;
}

export function serverApp(options: ServerAppOptions): Hono {
  const { namespaces, tokens, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const app = new Hono();

  app.onError((error, c) => {
    const answer = isConductor(c) ? conductorErrorResponse(error) : errorResponse(error);
    if (answer.unexpected) logger.error('request failed', { method: c.req.method, path: c.req.path, error });
    return c.json(answer.body, answer.status as 400, answer.headers);
  });
  app.notFound((c) => {
    const error = isConductor(c)
      ? new RequestError(
          'NOT_FOUND',
          `no route ${c.req.method} ${c.req.path} in Tutti's Conductor API; see docs/conductor.md`,
        )
      : new RequestError('NOT_FOUND', `no route ${c.req.method} ${c.req.path}; see /v1/… in docs/api.md`);
    const answer = isConductor(c) ? conductorErrorResponse(error) : errorResponse(error);
    return c.json(answer.body, answer.status as 404);
  });

  app.use(async (c, next) => {
    if (options.closing?.()) {
      // Also on a kept-alive connection, which server.close() does not refuse: a worker's stream
      // that reconnects at once would otherwise keep the shutdown waiting.
      c.header('Connection', 'close');
      throw new RequestError('UNAVAILABLE', 'the server is shutting down; retry against another instance or later');
    }
    await next();
  });
  app.get('/v1/health', (c) => c.json({ status: 'ok' }));
  // Public, like health: a client reads it to learn how to authenticate.
  const openApi = openApiDocument();
  app.get('/v1/openapi.json', (c) => c.json(openApi));
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new RequestError('REQUEST_TOO_LARGE', `the request body is over ${maxBodyBytes} bytes; send less`);
      },
    }),
  );
  if (tokens) {
    // Conductor's SDKs trade a key id and secret for a token: here the token's id and secret part.
    app.post('/api/token', async (c) => {
      const { keyId, keySecret } = await readBody(c, GenerateTokenRequest);
      const token = await exchangeKey(tokens, keyId, keySecret);
      if (!token) throw new RequestError('NOT_FOUND', 'keyId/keySecret: no such token, or it was revoked');
      return c.json({ token });
    });
    for (const path of ['/v1/*', '/api/*']) {
      app.use(path, requireToken({ store: tokens }));
      app.use(path, rateLimit(options.rateLimit));
    }
  }
  app.use('*', async (c, next) => {
    c.set('runtime', await namespaces.get(c.get('namespace') ?? DEFAULT_NAMESPACE));
    await next();
  });

  registerNativeRoutes(app);
  registerEventRoutes(app, { logger, contracts: options.events, strictEvents: options.strictEvents });
  registerWorkerRoutes(app);
  app.route('/api', conductorApi());
  return app;
}

function isConductor(c: Context): boolean {
  return c.req.path === '/api' || c.req.path.startsWith('/api/');
}
