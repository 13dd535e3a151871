/**
 * How errors leave the server: a status from the error's stable `code`, and a JSON body
 * `{ error: { code, message, issues? } }`. Client mistakes are 4xx with the message that names
 * the field; anything unexpected is a 500 whose body says nothing of the inside (no stack: it is
 * logged instead).
 */
import { DefinitionError, RateLimitedError, TuttiError } from '../core/errors.js';

const STATUS: Readonly<Record<string, number>> = {
  CONFIG_INVALID: 400,
  DEFINITION_SYNTAX: 400,
  DEFINITION_INVALID: 400,
  EVENT_INVALID: 400,
  NOT_SERIALIZABLE: 400,
  REQUEST_INVALID: 400,
  UNAUTHENTICATED: 401,
  UNKNOWN_WORKFLOW: 404,
  UNKNOWN_RUN: 404,
  UNKNOWN_SUBSCRIPTION: 404,
  NOT_FOUND: 404,
  DEFINITION_CONFLICT: 409,
  RUN_CONFLICT: 409,
  RUN_STATE: 409,
  DUPLICATE_NAME: 409,
  TASK_NOT_HELD: 409,
  CONFLICT: 409,
  EVENT_TOO_LARGE: 413,
  REQUEST_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
  UNAVAILABLE: 503,
  STORE_CLOSED: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; issues?: unknown[] };
}

/**
 * A client mistake found by the server itself (a body that is not JSON, a missing field, a
 * CloudEvent attribute missing or malformed, a content type it cannot keep).
 */
export class RequestError extends Error {
  constructor(
    readonly code:
      | 'REQUEST_INVALID'
      | 'REQUEST_TOO_LARGE'
      | 'NOT_FOUND'
      | 'CONFLICT'
      | 'UNAVAILABLE'
      | 'EVENT_INVALID'
      | 'UNSUPPORTED_MEDIA_TYPE',
    message: string,
    options: { issues?: readonly unknown[] } = {},
  ) {
    super(message);
    this.name = 'RequestError';
    this.issues = options.issues;
  }

  /** Every problem found, when there may be more than the one the message names (a request body's fields). */
  readonly issues: readonly unknown[] | undefined;
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  unexpected: boolean;
  /** Headers the answer must carry: `WWW-Authenticate` on a 401, `Retry-After` (seconds) on a 429. */
  headers?: Record<string, string>;
}

export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof RequestError || error instanceof TuttiError) {
    const status = STATUS[error.code];
    if (status !== undefined) {
      const body: ErrorBody = { error: { code: error.code, message: error.message } };
      if (error instanceof DefinitionError) body.error.issues = [...error.issues];
      if (error instanceof RequestError && error.issues) body.error.issues = [...error.issues];
      return { status, body, unexpected: false, headers: errorHeaders(error) };
    }
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'the server failed to handle this request; see its log' } },
    unexpected: true,
  };
}

function errorHeaders(error: RequestError | TuttiError): Record<string, string> | undefined {
  if (error.code === 'UNAUTHENTICATED') return { 'WWW-Authenticate': 'Bearer' };
  if (error instanceof RateLimitedError) {
    // Whole seconds (RFC 9110), rounded up so that a client that waits exactly that long is let in.
    return { 'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) };
  }
  return undefined;
}
