/**
 * The server's authentication: every request but health carries an API token (tokens.ts), as
 * `Authorization: Bearer <token>` or as Conductor's clients send it, `X-Authorization: <token>`.
 * A request with a valid token goes on with its namespace and token id in the context
 * (`c.get('namespace')`, `c.get('tokenId')`); any other is answered 401 here.
 *
 * Hand-written rather than hono's bearerAuth: that one reads a single header with a fixed scheme,
 * answers a malformed header with 400, and answers in its own body shape; here both headers count,
 * every failure is a 401 in the API's error shape, and verified tokens are cached.
 */
import type { MiddlewareHandler } from 'hono';
import { UnauthenticatedError } from '../core/errors.js';
import type { TokenStore } from '../store/tokens.js';
import { looksLikeToken, type VerifiedToken, verifyToken } from './tokens.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The namespace of the request's token (set by requireToken). */
    namespace: string;
    /** The id of the request's token (set by requireToken). */
    tokenId: string;
  }
}

export interface RequireTokenOptions {
  store: TokenStore;
  /**
   * How long a verified token is trusted without asking the store again, in ms; 0 asks on every
   * request. A token revoked meanwhile keeps working in this process for up to this long.
   * @default 5000
   */
  cacheMs?: number;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * Middleware that lets through only requests with a valid token, and sets `namespace` and
 * `tokenId` on the context.
 * @example
 * app.use('/v1/*', requireToken({ store }));
 * app.get('/v1/runs', (c) => c.json(listRunsOf(c.get('namespace'))));
 */
export function requireToken(options: RequireTokenOptions): MiddlewareHandler {
  const { store } = options;
  const cacheMs = options.cacheMs ?? 5000;
  const now = options.now ?? Date.now;
  // Only tokens that verified are kept (never what a client merely sent), so the map holds at most
  // one entry per token ever created, a few; an entry whose time is up is renewed or dropped at its
  // next use.
  const verified = new Map<string, VerifiedToken & { until: number }>();

  const lookUp = async (text: string): Promise<VerifiedToken | undefined> => {
    const cached = verified.get(text);
    if (cached && cached.until > now()) return cached;
    verified.delete(text);
    const found = await verifyToken(store, text);
    if (found && cacheMs > 0) verified.set(text, { ...found, until: now() + cacheMs });
    return found;
  };

  return async (c, next) => {
    const presented = presentedToken(c.req.header('Authorization'), c.req.header('X-Authorization'));
    const found = typeof presented === 'string' ? await lookUp(presented) : undefined;
    if (!found) {
      const problem = typeof presented === 'string' ? 'the token is unknown or revoked' : presented.problem;
      // Thrown, so that the app answers in the shape of the API asked (native or Conductor's).
      throw new UnauthenticatedError(problem);
    }
    c.set('namespace', found.namespace);
    c.set('tokenId', found.id);
    await next();
  };
}

/**
 * The token text of the request, or what is wrong with its headers. A Bearer Authorization comes
 * first; X-Authorization is read otherwise, so that a proxy's own Authorization (Basic, say) does
 * not hide the token of a Conductor client.
 */
function presentedToken(authorization: string | undefined, xAuthorization: string | undefined) {
  const bearer = authorization === undefined ? undefined : /^Bearer +(\S+) *$/i.exec(authorization)?.[1];
  if (bearer !== undefined) return checkedForm(bearer, 'Authorization');
  if (xAuthorization !== undefined) return checkedForm(xAuthorization.trim(), 'X-Authorization');
  if (authorization !== undefined) return { problem: 'the Authorization header is not `Bearer <token>`' };
  return { problem: 'no API token was sent' };
}

function checkedForm(text: string, header: string): string | { problem: string } {
  if (looksLikeToken(text)) return text;
  return { problem: `the ${header} header does not hold a Tutti token (tutti_<id>_<secret>)` };
}
