/**
 * The error the client throws when the server answers with an error, or does not answer at all.
 *
 * Not a TuttiError: its `code` is the server's (`REQUEST_INVALID`, `NOT_FOUND`, `TASK_NOT_HELD`…),
 * an open set that grows with the server, where TuttiError's codes are the engine's own closed
 * union. The message is the server's, prefixed with the request, so that it names the field at
 * fault as the server found it.
 */
export class TuttiHttpError extends Error {
  /** The HTTP status; 0 when no answer came (the server is down, or the address is wrong). */
  readonly status: number;
  /**
   * The server's code (`{ error: { code } }`); `UNREACHABLE` when no answer came, `HTTP_<status>`
   * when the answer did not say (a proxy's error page, say).
   */
  readonly code: string;
  /** Whether the same request may succeed later: no answer, 429, or a 5xx. */
  readonly retryable: boolean;
  /** How long the server asked to wait (Retry-After), in ms; undefined when it did not say. */
  readonly retryAfterMs: number | undefined;

  constructor(
    found: { status: number; code: string; message: string; retryAfterMs?: number | undefined },
    options?: { cause?: unknown },
  ) {
    super(found.message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TuttiHttpError';
    this.status = found.status;
    this.code = found.code;
    this.retryable = found.status === 0 || found.status === 429 || found.status >= 500;
    this.retryAfterMs = found.retryAfterMs;
  }
}
