/**
 * Conductor's HTTP system task, as one call: read the request from the task's evaluated
 * `inputParameters`, make it with Node's fetch, return the output Conductor records.
 *
 * Semantics follow conductor-oss `HttpTask` (http-task module) where they can:
 * - the request is `inputParameters.http_request` (`uri`, `method`, `headers`, `body`, `accept`
 *   and `contentType`, both `application/json` by default, `connectionTimeOut`, `readTimeOut`).
 *   Orkes Conductor also takes those fields flat in `inputParameters` (its current docs show only
 *   that form); conductor-oss up to 3.x reads `http_request` only. Both are accepted here,
 *   `http_request` first.
 * - a 2xx answer completes the task with `{ response: { headers, reasonPhrase, body, statusCode } }`;
 *   the body is parsed as JSON whatever its content type (Jackson `readTree`), and kept as text
 *   when it does not parse; `reasonPhrase` is the standard phrase of the status (Spring's
 *   `HttpStatus`), not the server's.
 * - any other answer fails the task. Conductor then records `response` as the exception's text;
 *   here the HttpTaskError carries the answer itself (`error.response`), body included, so the
 *   caller can record it.
 * - Conductor marks every failure FAILED, which it retries per the task definition's `retryCount`
 *   whatever the status (it never uses FAILED_WITH_TERMINAL_ERROR here). So by default every
 *   status, network and timeout failure is retryable; `retryClientErrors: false` makes 3xx/4xx
 *   answers (but 408 and 429) fail at once. Bad input is never retryable: the same input fails
 *   the same way.
 *
 * Where fetch differs from Spring's RestTemplate (documented in docs/conductor.md): header names
 * come back in lower case and repeated headers joined by ', ' (`set-cookie` stays one value per
 * cookie); one deadline bounds the whole call instead of Conductor's separate connect and read
 * timeouts; a body given to GET or HEAD is not sent; `Content-Type` is sent only with a body;
 * `vipAddress` (Eureka) and OAuth 1 signing are not supported.
 */
import { STATUS_CODES } from 'node:http';
import { HttpTaskError, type HttpTaskResponse } from '../../core/errors.js';
import type { JsonObject, JsonValue } from '../model.js';

export type { HttpTaskResponse } from '../../core/errors.js';

/** Defaults and limits of HTTP tasks; the request's own `readTimeOut` wins over `timeoutMs`. */
export interface HttpTaskOptions {
  /**
   * Deadline of a call whose request sets no `readTimeOut`, in ms: connecting, sending, the answer
   * and its body. (Conductor's default is 150 ms per read, too short for most services.)
   * @default 60_000
   */
  timeoutMs?: number;
  /**
   * Largest response body read, in bytes (after decompression); a larger body fails the task
   * (`kind: 'too-large'`) instead of filling memory and the journal.
   * @default 10 MiB (10_485_760)
   */
  maxResponseBytes?: number;
  /**
   * Whether a 3xx or 4xx answer (408 and 429 aside, always retryable) may be retried. Conductor
   * retries them, per the task definition; `false` fails the task at once, as a retry of the same
   * request would mostly be refused the same way.
   * @default true
   */
  retryClientErrors?: boolean;
  /** Stops the call (the run was cancelled, the attempt timed out); the call rejects with its reason. */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** fetch refuses TRACE, CONNECT and TRACK, so they are not offered. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const JSON_TYPE = 'application/json';

interface HttpRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  /** undefined: no deadline (`readTimeOut: 0`, "infinite" in Conductor). */
  deadlineMs: number | undefined;
}

/**
 * Runs a Conductor HTTP task and returns its output, `{ response: { headers, reasonPhrase, body, statusCode } }`.
 * Throws an HttpTaskError for bad input, a non-2xx answer, a network failure, a timeout or a body
 * over the limit; rejects with `options.signal`'s reason when that is aborted.
 *
 * @example
 * await runHttpTask('get_order', { http_request: { uri: 'https://shop.example/orders/42', method: 'GET' } });
 * // { response: { statusCode: 200, reasonPhrase: 'OK', headers: { 'content-type': ['application/json'] }, body: { id: 42 } } }
 */
export async function runHttpTask(
  taskReferenceName: string,
  inputParameters: JsonObject,
  options: HttpTaskOptions = {},
): Promise<JsonObject> {
  const request = readRequest(taskReferenceName, inputParameters, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const shown = `${request.method} ${redacted(request.url)}`;
  const deadline = request.deadlineMs === undefined ? undefined : AbortSignal.timeout(request.deadlineMs);
  const signals = [deadline, options.signal].filter((s): s is AbortSignal => s !== undefined);
  let response: HttpTaskResponse;
  try {
    const answer = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'follow',
      signal: signals.length === 0 ? undefined : AbortSignal.any(signals),
    });
    const bytes = await readBody(answer, maxBytes);
    if (bytes === undefined) {
      throw new HttpTaskError({
        kind: 'too-large',
        taskReferenceName,
        problem: `${shown} answered ${answer.status} with a body over the limit of ${maxBytes} bytes`,
        fix: 'ask the service for less (paging, a filter), or raise the HTTP task option maxResponseBytes',
      });
    }
    response = {
      headers: headersOf(answer.headers),
      reasonPhrase: STATUS_CODES[answer.status] ?? answer.statusText,
      body: bytes.length === 0 ? null : bodyOf(decode(bytes, answer.headers.get('content-type'))),
      statusCode: answer.status,
    };
  } catch (error) {
    if (error instanceof HttpTaskError) throw error;
    if (options.signal?.aborted) throw options.signal.reason;
    if (deadline?.aborted) {
      throw new HttpTaskError({
        kind: 'timeout',
        taskReferenceName,
        problem: `${shown} did not answer within ${request.deadlineMs} ms`,
        fix: "make the service faster, or raise the request's readTimeOut (in ms)",
        cause: error,
      });
    }
    throw new HttpTaskError({
      kind: 'network',
      taskReferenceName,
      problem: `${shown} failed: ${networkProblem(error)}`,
      fix: 'check that the service is up and the host and port are right; the task is retried per its task definition',
      cause: error,
    });
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return { response: response as unknown as JsonObject };
  const { statusCode } = response;
  throw new HttpTaskError({
    kind: 'status',
    taskReferenceName,
    problem: `${shown} answered ${statusCode} ${response.reasonPhrase}${excerpt(response.body)}`,
    fix:
      statusCode >= 500 || statusCode === 408 || statusCode === 429
        ? 'the service failed or is busy; the task is retried per its task definition'
        : "check the request (uri, method, headers, body) against the service's API",
    retryable: isRetryableStatus(statusCode, options.retryClientErrors ?? true),
    response,
  });
}

function isRetryableStatus(status: number, retryClientErrors: boolean): boolean {
  return status >= 500 || status === 408 || status === 429 || retryClientErrors;
}

/** The request, from `http_request` or (Orkes' form) from `inputParameters` itself. */
function readRequest(ref: string, input: JsonObject, defaultTimeoutMs: number): HttpRequest {
  const nested = input.http_request;
  const wrapped = nested !== undefined && nested !== null;
  if (wrapped && !isObject(nested)) {
    throw invalid(
      ref,
      `inputParameters.http_request is ${describeValue(nested)}`,
      'make it an object with uri and method',
    );
  }
  if (!wrapped && (input.uri === undefined || input.uri === null)) {
    throw invalid(
      ref,
      'inputParameters.http_request is missing',
      "set 'http_request' to an object with 'uri' and 'method' describing the call",
    );
  }
  const spec = wrapped ? (nested as JsonObject) : input;
  const at = wrapped ? 'inputParameters.http_request.' : 'inputParameters.';

  const uri = spec.uri;
  if (typeof uri !== 'string' || uri.trim() === '') {
    throw invalid(
      ref,
      `${at}uri is ${uri === undefined || uri === null ? 'missing' : describeValue(uri)}`,
      'set it to the absolute http(s) URL to call, e.g. "https://api.example.com/orders/42"',
    );
  }
  const url = URL.canParse(uri) ? new URL(uri) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalid(
      ref,
      `${at}uri ${JSON.stringify(uri)} is not an absolute http or https URL`,
      'give the full URL with its scheme and host, e.g. "https://api.example.com/orders/42"',
    );
  }

  const rawMethod = spec.method ?? 'GET';
  const method = typeof rawMethod === 'string' ? rawMethod.trim().toUpperCase() : '';
  if (!METHODS.includes(method)) {
    throw invalid(ref, `${at}method is ${describeValue(rawMethod)}`, `use one of ${METHODS.join(', ')}`);
  }

  // GET and HEAD carry no body with fetch (Conductor's HttpClient would send one).
  const rawBody = method === 'GET' || method === 'HEAD' ? undefined : spec.body;
  const body =
    rawBody === undefined || rawBody === null
      ? undefined
      : typeof rawBody === 'string'
        ? rawBody
        : JSON.stringify(rawBody);

  const headers = new Headers();
  const accept = textField(ref, spec, 'accept', at) ?? JSON_TYPE;
  const contentType = textField(ref, spec, 'contentType', at) ?? JSON_TYPE;
  try {
    headers.set('accept', accept);
    if (body !== undefined) headers.set('content-type', contentType);
    addHeaders(ref, spec.headers, headers, at);
  } catch (error) {
    if (error instanceof HttpTaskError) throw error;
    throw invalid(ref, `${at}headers: ${(error as Error).message}`, 'header names are tokens, values one line of text');
  }

  const readTimeOut = millis(ref, spec, 'readTimeOut', at);
  const connectionTimeOut = millis(ref, spec, 'connectionTimeOut', at);
  // fetch has no connect-only timeout: one deadline covers both, 0 meaning "none" as in Conductor.
  const deadlineMs = readTimeOut === 0 ? undefined : (readTimeOut ?? defaultTimeoutMs) + (connectionTimeOut ?? 0);
  return { url, method, headers, body, deadlineMs };
}

/** Conductor adds each header after `accept` and `contentType`; here they replace them, as meant. */
function addHeaders(ref: string, value: JsonValue | undefined, headers: Headers, at: string): void {
  if (value === undefined || value === null) return;
  if (!isObject(value))
    throw invalid(ref, `${at}headers is ${describeValue(value)}`, 'make it an object of name: value');
  for (const [name, raw] of Object.entries(value)) {
    if (raw === null) continue; // Conductor skips null values
    const values = Array.isArray(raw) ? raw : [raw];
    headers.delete(name);
    for (const one of values) headers.append(name, typeof one === 'string' ? one : JSON.stringify(one));
  }
}

function textField(ref: string, spec: JsonObject, field: string, at: string): string | undefined {
  const value = spec[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw invalid(ref, `${at}${field} is ${describeValue(value)}`, 'give a media type such as "application/json"');
}

/** A timeout in ms; a numeric string passes, as Jackson would coerce it into Conductor's Integer. */
function millis(ref: string, spec: JsonObject, field: string, at: string): number | undefined {
  const value = spec[field];
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return Math.floor(ms);
  throw invalid(ref, `${at}${field} is ${describeValue(value)}`, 'give milliseconds as a number >= 0 (0: no limit)');
}

/** The body's bytes, or undefined when it is over `maxBytes` (the rest is not read). */
async function readBody(answer: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  const declared = Number(answer.headers.get('content-length'));
  if (answer.body === null) return new Uint8Array(0);
  if (declared > maxBytes) {
    await answer.body.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = answer.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** The charset the answer names, else UTF-8 (Spring falls back to ISO-8859-1 for non-JSON types). */
function decode(bytes: Uint8Array, contentType: string | null): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/**
 * Conductor's `extractBody`: an object, array or number as parsed; any other JSON value as its
 * text (Jackson `asText`: `true` becomes "true", `null` "null"); text that is not JSON as is.
 */
function bodyOf(text: string): JsonValue {
  let parsed: JsonValue;
  try {
    parsed = JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
  if (typeof parsed === 'object' && parsed !== null) return parsed;
  if (typeof parsed === 'number' || typeof parsed === 'string') return parsed;
  return String(parsed);
}

/** Spring's `HttpHeaders` as JSON: each name to the list of its values. */
function headersOf(headers: Headers): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of headers) {
    if (out[name] === undefined) out[name] = [value];
    else out[name].push(value);
  }
  return out;
}

function networkProblem(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string')
    return `${cause.code}${typeof cause.message === 'string' ? ` (${cause.message})` : ''}`;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** The URL without credentials or query string: messages are journaled and shown, tokens must not be. */
function redacted(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function excerpt(body: unknown): string {
  if (body === null || body === undefined) return '';
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

function invalid(ref: string, problem: string, fix: string): HttpTaskError {
  return new HttpTaskError({ kind: 'invalid', taskReferenceName: ref, problem, fix });
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: JsonValue | undefined): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
