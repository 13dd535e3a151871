/**
 * Requests to a Tutti server, for the worker and the API client: the base URL and the token
 * checked once, the token sent on every request, and every failure turned into a TuttiHttpError
 * whose message names the request and carries the server's own words. Uses the platform's fetch:
 * Node ≥ 20 has it, and it streams response bodies, which the task stream needs.
 */
import { ConfigError } from '../core/errors.js';
import { TuttiHttpError } from './errors.js';

/** Where the server is and how to prove who we are: shared by createWorker and createClient. */
export interface ConnectionOptions {
  /** The server's address, as `tutti server` prints it, e.g. `http://localhost:8080`. Required. */
  url: string;
  /**
   * An API token, sent as `Authorization: Bearer <token>`; make one with
   * `tutti tokens create --namespace <ns>`. @default none: only for a server started with auth off
   */
  token?: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** From the server's root, query included: `/v1/runs/r-1?steps=true`. */
  path: string;
  /** Sent as JSON unless `contentType` says otherwise (then it must be a string). */
  body?: unknown;
  /** @default 'application/json' when there is a body */
  contentType?: string;
  signal?: AbortSignal;
}

export class Http {
  private constructor(
    readonly url: string,
    private readonly token: string | undefined,
    /** Who is configured, for messages: `createWorker`. */
    private readonly owner: string,
  ) {}

  /** Checks `url` and `token` (ConfigError naming the one at fault) and keeps them. */
  static create(options: ConnectionOptions, owner: string): Http {
    const { url, token } = options;
    if (typeof url !== 'string' || url === '') {
      throw new ConfigError(
        `${owner}: url is missing; give the server's address, e.g. { url: 'http://localhost:8080' }`,
      );
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${owner}: url ${JSON.stringify(url)} is not a URL; give e.g. 'http://localhost:8080'`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ConfigError(`${owner}: url ${JSON.stringify(url)} must start with http:// or https://`);
    }
    if (token !== undefined && (typeof token !== 'string' || token.trim() === '')) {
      throw new ConfigError(
        `${owner}: token must be a non-empty string (got ${JSON.stringify(token)}); leave it out for a server without auth`,
      );
    }
    return new Http(parsed.href.replace(/\/+$/, ''), token?.trim(), owner);
  }

  /** Sends the request and returns the response when it is a 2xx (for streams); throws TuttiHttpError otherwise. */
  async open(request: HttpRequest): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token !== undefined) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = request.contentType ?? 'application/json';
      body = request.contentType === undefined ? JSON.stringify(request.body) : (request.body as string);
    }
    let response: Response;
    try {
      response = await fetch(`${this.url}${request.path}`, {
        method: request.method,
        headers,
        body,
        signal: request.signal,
      });
    } catch (error) {
      if (request.signal?.aborted) throw error;
      throw new TuttiHttpError(
        {
          status: 0,
          code: 'UNREACHABLE',
          message: `${request.method} ${this.url}${request.path}: no answer from the server (${networkReason(error)}); check the url and that the server is running`,
        },
        { cause: error },
      );
    }
    if (response.ok) return response;
    throw await this.failure(request, response);
  }

  /** Sends the request and reads its JSON answer (undefined for an empty body). */
  async json<T>(request: HttpRequest): Promise<T> {
    const response = await this.open(request);
    const text = await response.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  private async failure(request: HttpRequest, response: Response): Promise<TuttiHttpError> {
    const text = await response.text().catch(() => '');
    let error: { code?: unknown; message?: unknown } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      // Not the server's JSON: a proxy or another program answered; the status says enough.
    }
    const status = response.status;
    const code = typeof error?.code === 'string' ? error.code : `HTTP_${status}`;
    const said = typeof error?.message === 'string' ? error.message : text.slice(0, 200) || response.statusText;
    const retryAfter = Number(response.headers.get('retry-after'));
    const found = {
      status,
      code,
      message:
        status === 401 ? this.unauthenticated() : `${request.method} ${request.path}: ${status} ${code}: ${said}`,
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    };
    return new TuttiHttpError(found);
  }

  /** What to do about a 401: the usual cause is the configuration, so say which option to fix. */
  private unauthenticated(): string {
    const create = 'create one with `tutti tokens create --namespace <ns>`';
    return this.token === undefined
      ? `the server at ${this.url} asks for an API token and none was given: ${create} and pass it as ${this.owner}({ token })`
      : `the server at ${this.url} refused the token given to ${this.owner} (unknown, revoked, or mistyped): ${create} and pass it as ${this.owner}({ token })`;
  }
}

/** The operating system's reason behind fetch's 'fetch failed' (ECONNREFUSED, ENOTFOUND…). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
