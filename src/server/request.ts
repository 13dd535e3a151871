/**
 * Reading requests: JSON bodies and query parameters, checked, with errors that name the field
 * and say what to give instead (RequestError, a 400).
 *
 * A body is checked against its TypeBox schema (schemas.ts), the same schema the OpenAPI document
 * publishes, so what the server accepts and what it documents cannot drift apart. Each schema is
 * compiled (TypeBox's JIT) on first use and kept: a request pays for a check, not a compile.
 */
import type { Context } from 'hono';
import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { RequestError } from './http-errors.js';
import { bodyIssues } from './schema-errors.js';

/** A JSON request body a route accepts: its schema, and its name in the OpenAPI document. */
export interface RequestBody<S extends TSchema = TSchema> {
  /** The schema's name under the OpenAPI document's `components.schemas`, e.g. `StartRun`. */
  readonly name: string;
  readonly schema: S;
  /** An empty body is accepted: it reads as `{}` for an object schema, else as undefined. */
  readonly optional: boolean;
  /** @default 'application/json' */
  readonly mediaType: string;
}

/**
 * @example const CancelRun = requestBody('CancelRun', Type.Object({ reason: Type.Optional(Type.String()) }), { optional: true });
 */
export function requestBody<const S extends TSchema>(
  name: string,
  schema: S,
  options: { optional?: boolean; mediaType?: string } = {},
): RequestBody<S> {
  return { name, schema, optional: options.optional ?? false, mediaType: options.mediaType ?? 'application/json' };
}

const validators = new WeakMap<TSchema, Validator>();

/**
 * The request's body, parsed and checked against `body`'s schema; a RequestError (400
 * REQUEST_INVALID) names the first field at fault, with every problem found in `issues`.
 * @example const { workflow, input } = await readBody(c, StartRun);
 */
export async function readBody<S extends TSchema>(c: Context, body: RequestBody<S>): Promise<Static<S>> {
  const text = await c.req.text();
  const empty = body.optional && text.trim() === '';
  const value = empty ? ((body.schema as { type?: unknown }).type === 'object' ? {} : undefined) : parseJson(text);
  let validator = validators.get(body.schema);
  if (!validator) {
    validator = Compile(body.schema);
    validators.set(body.schema, validator);
  }
  if (validator.Check(value)) return value as Static<S>;
  const issues = bodyIssues(body.schema, value, validator.Errors(value));
  const message = issues[0]?.message ?? 'the request body does not match its schema; see GET /v1/openapi.json';
  throw new RequestError('REQUEST_INVALID', message, { issues });
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // On one line: the message may quote the input around the error.
    const reason = (error as Error).message.replace(/\s*\n\s*/g, ' ');
    throw new RequestError('REQUEST_INVALID', `the request body is not JSON: ${reason}`);
  }
}

export function optionalVersion(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const version = Number(text);
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new RequestError('REQUEST_INVALID', `version: '${text}' must be a whole number >= 1`);
  }
  return version;
}

/** A whole-number query parameter within [min, max], `fallback` when absent. */
export function wholeNumberParam(
  text: string | undefined,
  name: string,
  { fallback, min, max }: { fallback: number; min: number; max: number },
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new RequestError('REQUEST_INVALID', `${name}: '${text}' is not a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A query parameter that, when given, must not be empty. */
export function textParam(text: string | undefined, name: string): string | undefined {
  if (text === undefined || text.trim() !== '') return text;
  throw new RequestError('REQUEST_INVALID', `${name}: empty; give a value, or leave the parameter out`);
}
