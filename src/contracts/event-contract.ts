/**
 * An event contract: the name, version and JSON Schema of one kind of event, and its validator.
 *
 * Producers validate what they publish against their version and subscribers what they receive
 * against the version they declared, so a contract sits on the hot path of every event: the
 * validator is compiled (TypeBox's JIT) once, when the contract is defined, and errors are only
 * computed for data that fails. Schemas are authored with TypeBox (`import Type from 'typebox'`);
 * the contract keeps a frozen JSON copy as the canonical form. Codecs and other non-JSON parts of
 * a TypeBox schema are therefore not supported.
 */
import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import type { TLocalizedValidationError } from 'typebox/error';
import { ConfigError, EventValidationError } from '../core/errors.js';
import { childPath, describeSchema, type JsonSchema, locate } from './json-schema.js';

export interface EventContract<T = unknown> {
  /** The event type, e.g. `order.placed`; CloudEvents `type`. */
  readonly type: string;
  /** Positive integer; a changed schema is published under a new version. */
  readonly version: number;
  /** The schema as plain, frozen JSON: store it, send it, compare it. */
  readonly schema: JsonSchema;
  /** Returns `data` typed, or throws `EventValidationError` naming the failing field. */
  validate(data: unknown): T;
}

export interface EventContractOptions {
  /**
   * The schema version; give a changed schema a new version.
   * @default 1
   */
  version?: number;
}

/** What an event type (and a signal name) may be: letters, digits, '.', '-', '_', starting with a letter or digit. */
export const EVENT_TYPE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Declares an event type and the JSON Schema of its data.
 *
 * @example
 * import Type from 'typebox';
 * const OrderPlaced = defineEvent('order.placed', Type.Object({
 *   orderId: Type.String(),
 *   total: Type.Number({ minimum: 0 }),
 * }), { version: 1 });
 * const order = OrderPlaced.validate(JSON.parse(body)); // typed { orderId: string; total: number }
 */
export function defineEvent<const S extends TSchema>(
  type: string,
  schema: S,
  options: EventContractOptions = {},
): EventContract<Static<S>> {
  if (typeof type !== 'string' || !EVENT_TYPE.test(type)) {
    throw new ConfigError(
      `defineEvent: 'type' must be letters, digits, '.', '-' or '_', starting with a letter or digit ` +
        `(e.g. 'order.placed' or 'OrderPlaced'); got ${JSON.stringify(type)}`,
    );
  }
  const version = options.version ?? 1;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new ConfigError(`defineEvent('${type}'): 'version' must be a positive integer; got ${String(version)}`);
  }
  const canonical = canonicalSchema(type, schema);
  let validator: Validator;
  try {
    validator = Compile(canonical);
  } catch (error) {
    throw new ConfigError(`defineEvent('${type}'): the schema cannot be compiled: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return Object.freeze({
    type,
    version,
    schema: canonical,
    validate(data: unknown): Static<S> {
      if (validator.Check(data)) return data as Static<S>;
      throw validationError(type, version, canonical, data, validator.Errors(data));
    },
  });
}

/** A deep-frozen JSON copy: what is validated is exactly what is stored and compared. */
function canonicalSchema(type: string, schema: unknown): JsonSchema {
  let json: string | undefined;
  try {
    json = JSON.stringify(schema);
  } catch (error) {
    throw new ConfigError(`defineEvent('${type}'): the schema is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const copy: unknown = json === undefined ? undefined : JSON.parse(json);
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) {
    throw new ConfigError(`defineEvent('${type}'): the schema must be a JSON Schema object, e.g. Type.Object({...})`);
  }
  return deepFreeze(copy as JsonSchema);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The most useful of TypeBox's errors, in the words of the contract. A failed union also reports
 * each branch it tried; those are skipped for the union's own error, which says what was allowed.
 */
function validationError(
  eventType: string,
  version: number,
  schema: JsonSchema,
  data: unknown,
  errors: TLocalizedValidationError[],
): EventValidationError {
  const error = errors.find((e) => !e.schemaPath.includes('/anyOf/')) ?? errors[0];
  const fix = `send data that matches '${eventType}' v${version}, or publish it under a version whose schema accepts it`;
  if (error === undefined)
    return new EventValidationError({ eventType, version, path: '', problem: 'does not match the schema', fix });
  const { path: at, value: got } = locate(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const missing = (params.requiredProperties as string[])[0] ?? '';
    return new EventValidationError({
      eventType,
      version,
      path: childPath(at, missing),
      problem: 'is missing (required)',
      fix: `add it, or make it optional in a new version of '${eventType}'`,
    });
  }
  // A closed object reports an undeclared property twice: as the `false` schema it failed, and by name.
  const undeclared = error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties');
  if (error.keyword === 'additionalProperties' || undeclared) {
    const extra = error.keyword === 'additionalProperties' ? ((params.additionalProperties as string[])[0] ?? '') : '';
    return new EventValidationError({
      eventType,
      version,
      path: extra === '' ? at : childPath(at, extra),
      problem: 'is not a property the schema declares (additionalProperties: false)',
      fix: `remove it, or declare it in a new version of '${eventType}'`,
    });
  }
  const expected =
    error.keyword === 'anyOf'
      ? `must be ${describeSchema(locate(error.schemaPath.replace(/^#/, ''), schema).value)}`
      : error.message;
  return new EventValidationError({
    eventType,
    version,
    path: at,
    problem: `${expected}, got ${JSON.stringify(got) ?? String(got)}`,
    fix,
  });
}
