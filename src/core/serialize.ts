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
import * as errors from './errors.js';
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
  const reshaped = inspect(value, what, [], []);
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new SerializationError(`${what} is not JSON-serializable: ${(error as Error).message}`, { cause: error });
  }
  return { json, value: reshaped ? JSON.parse(json) : value };
}

/**
 * Walks the value as JSON.stringify will, refusing what JSON cannot carry; returns whether the
 * JSON form differs from the value (toJSON, NaN, undefined in arrays). `stack` holds the objects
 * on the current path (cycle detection), `path` their keys (for messages). A plain walk costs far
 * less than a JSON.stringify replacer, which calls back into JavaScript for every key.
 */
function inspect(value: unknown, what: string, stack: object[], path: string[]): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return false;
    case 'number':
      return !Number.isFinite(value);
    case 'undefined':
      return true;
    case 'function':
      throw refuse(what, path, `a function${value.name ? ` (${value.name})` : ''}`);
    case 'symbol':
      throw refuse(what, path, 'a symbol');
    case 'bigint':
      throw refuse(what, path, `a BigInt (${value}n)`, 'convert it to a string or number');
  }
  if (value === null) return false;
  const object = value as Record<string, unknown>;
  if (typeof object.toJSON === 'function') return true; // Date, Buffer...: JSON.stringify handles them
  if (object instanceof Map || object instanceof Set) {
    throw refuse(what, path, `a ${object.constructor.name}`, 'convert it with Object.fromEntries(map) or [...set]');
  }
  if (stack.includes(object)) throw refuse(what, path, 'a circular reference');
  stack.push(object);
  let reshaped = false;
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      path.push(String(i));
      if (inspect(object[i], what, stack, path)) reshaped = true;
      path.pop();
    }
  } else {
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      const child = object[key];
      if (child === undefined) continue; // dropped from objects, as the original would be
      path.push(key);
      if (inspect(child, what, stack, path)) reshaped = true;
      path.pop();
    }
  }
  stack.pop();
  return reshaped;
}

/** Decodes JSON text written by `encode`. */
export function decode(json: string | null | undefined): unknown {
  return json === undefined || json === null ? undefined : JSON.parse(json);
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

/** 'Name: message ← cause Name: message', without stacks (the stored JSON has them). */
export function describeError(error: RecordedError | undefined): string {
  if (!error) return '';
  if (error.kind === 'value') return `thrown value ${JSON.stringify(error.value)}`;
  return `${error.name}: ${error.message}${error.cause ? ` ← ${describeError(error.cause)}` : ''}`;
}

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

/**
 * Tutti's own error classes by name. A replayed failure must answer `instanceof` as the live one
 * did (`error.cause instanceof NonRetryableError`), or a workflow branching on it would take
 * another path on replay. Other classes are unknown here: they come back as Error with their name.
 */
const TUTTI_ERRORS = new Map<string, object>(
  Object.values(errors).flatMap((value) =>
    typeof value === 'function' && (value === errors.TuttiError || value.prototype instanceof errors.TuttiError)
      ? [[value.name, value.prototype as object]]
      : [],
  ),
);

/**
 * Rebuilds what was thrown: an Error with the recorded name, message, stack and code (of Tutti's
 * own class when it was one, so `instanceof` holds), or the value.
 */
export function reviveError(recorded: RecordedError): unknown {
  if (recorded.kind === 'value') return recorded.value;
  const error = new Error(
    recorded.message,
    recorded.cause ? { cause: reviveError(recorded.cause) } : undefined,
  ) as Error & { code?: string; retryable?: boolean };
  const tuttiClass = recorded.code === undefined ? undefined : TUTTI_ERRORS.get(recorded.name);
  if (tuttiClass) Object.setPrototypeOf(error, tuttiClass);
  error.name = recorded.name;
  if (recorded.stack !== undefined) error.stack = recorded.stack;
  if (recorded.code !== undefined) error.code = recorded.code;
  if (recorded.retryable !== undefined) error.retryable = recorded.retryable;
  return error;
}
