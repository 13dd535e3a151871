/**
 * JSON encoding of everything that is journaled: inputs, results, thrown values.
 *
 * `JSON.stringify` alone silently drops functions and symbols and turns a Map into `{}`; a
 * journal that loses data that way replays into a different program. So encoding refuses what
 * JSON cannot carry, naming the path, and tells the caller when the value changed shape on the way
 * (a Date became a string): then the live run must continue with the decoded copy, exactly what
 * a replay would see. In the common case (plain data) the original object is kept and nothing
 * is parsed back: no JSON work is done twice on the hot path.
 */
import { SerializationError } from './errors.js';

export interface Encoded {
  /** JSON text, or undefined for `undefined` (a step that returns nothing). */
  json: string | undefined;
  /** The value the run must continue with: the original, or its JSON round trip when they differ. */
  value: unknown;
}

/**
 * Encodes `value` as JSON or throws a SerializationError naming `what` and the failing path.
 * @example encode({ id: 1 }, "input of step 'payment.charge'")
 */
export function encode(value: unknown, what: string): Encoded {
  if (value === undefined) return { json: undefined, value: undefined };
  let reshaped = false;
  const path: string[] = [];
  const seen: object[] = [];
  let json: string;
  try {
    json = JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
      const holder = this as Record<string, unknown>;
      const raw = key === '' ? value : holder[key];
      if (key !== '') trackPath(path, seen, holder, key);
      switch (typeof raw) {
        case 'function':
          throw refuse(what, path, `a function${raw.name ? ` (${raw.name})` : ''}`);
        case 'symbol':
          throw refuse(what, path, 'a symbol');
        case 'bigint':
          throw refuse(what, path, `a BigInt (${raw}n)`, 'convert it to a string or number');
        case 'object':
          if (raw === null) return v;
          if (raw instanceof Map || raw instanceof Set) {
            throw refuse(
              what,
              path,
              `a ${raw.constructor.name}`,
              'convert it with Object.fromEntries(map) or [...set]',
            );
          }
          if (raw !== v) reshaped = true; // toJSON() ran (Date, Buffer...)
          if (seen.includes(raw)) throw refuse(what, path, 'a circular reference');
          break;
        case 'number':
          if (!Number.isFinite(raw)) reshaped = true; // NaN/Infinity become null
          break;
        case 'undefined':
          if (Array.isArray(holder)) reshaped = true; // becomes null inside arrays
          break;
      }
      return v;
    });
  } catch (error) {
    if (error instanceof SerializationError) throw error;
    throw new SerializationError(`${what} is not JSON-serializable: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { json, value: reshaped ? JSON.parse(json) : value };
}

/** Decodes JSON text written by `encode`. */
export function decode(json: string | null | undefined): unknown {
  return json === undefined || json === null ? undefined : JSON.parse(json);
}

// The replacer is called depth-first; `seen` mirrors the stack of holders so that a cycle is
// reported with the path that closes it.
function trackPath(path: string[], seen: object[], holder: object, key: string): void {
  const depth = seen.lastIndexOf(holder);
  if (depth === -1) {
    seen.push(holder);
    path.push(key);
    return;
  }
  seen.length = depth + 1;
  path.length = depth;
  path.push(key);
}

function refuse(
  what: string,
  path: string[],
  found: string,
  fix = 'remove it or convert it to plain data',
): SerializationError {
  const at = path.length === 0 ? '' : ` at '${path.join('.')}'`;
  return new SerializationError(
    `${what} is not JSON-serializable: found ${found}${at}; ${fix} (steps' inputs and results are journaled as JSON)`,
  );
}

/**
 * A thrown value as recorded in the journal. Errors keep name, message, stack, `code` and
 * cause; anything else thrown (a string, an object) is kept as the value itself.
 */
export type RecordedError =
  | {
      kind: 'error';
      name: string;
      message: string;
      stack?: string;
      code?: string;
      retryable?: boolean;
      cause?: RecordedError;
    }
  | { kind: 'value'; value: unknown };

export function recordError(thrown: unknown, depth = 0): RecordedError {
  if (thrown instanceof Error) {
    const withCode = thrown as Error & { code?: unknown; retryable?: unknown };
    const recorded: RecordedError = { kind: 'error', name: thrown.name, message: thrown.message };
    if (thrown.stack) recorded.stack = thrown.stack;
    if (typeof withCode.code === 'string') recorded.code = withCode.code;
    if (typeof withCode.retryable === 'boolean') recorded.retryable = withCode.retryable;
    if (thrown.cause !== undefined && depth < 8) recorded.cause = recordError(thrown.cause, depth + 1);
    return recorded;
  }
  try {
    return { kind: 'value', value: JSON.parse(JSON.stringify(thrown ?? null)) };
  } catch {
    return { kind: 'value', value: String(thrown) };
  }
}

/** Rebuilds what was thrown: an Error with the recorded name, message, stack and code, or the value. */
export function reviveError(recorded: RecordedError): unknown {
  if (recorded.kind === 'value') return recorded.value;
  const error = new Error(
    recorded.message,
    recorded.cause ? { cause: reviveError(recorded.cause) } : undefined,
  ) as Error & { code?: string; retryable?: boolean };
  error.name = recorded.name;
  if (recorded.stack !== undefined) error.stack = recorded.stack;
  if (recorded.code !== undefined) error.code = recorded.code;
  if (recorded.retryable !== undefined) error.retryable = recorded.retryable;
  return error;
}
