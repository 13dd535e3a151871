/**
 * TypeBox's validation errors about a request body, said the way the rest of the API says them:
 * the field by its path as people write it (`error.message`, `seq[1]`), what is wrong with it,
 * and what to give instead (`max: 500 is above 100; give the most tasks to claim as a whole number
 * from 1 to 100`). The words come from the schema itself (its `description`, its bounds), so a
 * field's rule and its message cannot disagree.
 *
 * Not event-contract.ts's wording: that one speaks of an event type's versions, this of fields to
 * fix in a request.
 */
import type { TLocalizedValidationError } from 'typebox/error';
import { childPath, isSchemaObject, locate } from '../contracts/json-schema.js';
import { closestName } from '../core/suggest.js';

export interface BodyIssue {
  /** `error.message`, `seq[1]`; '' for the body itself. */
  path: string;
  message: string;
}

/**
 * One issue per failure TypeBox found, the most useful first: an unknown field before a missing
 * one, since `{ "wokflow": … }` is missing `workflow` only because of the typo.
 */
export function bodyIssues(schema: object, body: unknown, errors: readonly TLocalizedValidationError[]): BodyIssue[] {
  const reported = errors.filter(isReported);
  const unknownFirst = [
    ...reported.filter((e) => e.keyword === 'additionalProperties'),
    ...reported.filter((e) => e.keyword !== 'additionalProperties'),
  ];
  return unknownFirst.flatMap((error) => describeError(schema, body, error, errors));
}

/**
 * Errors worth a message of their own. A union's branches are left to the union's error, which
 * picks the branch meant (describeError); a closed object reports an unknown field twice, as the
 * `false` schema it failed and by name, and only the latter names it well.
 */
function isReported(error: TLocalizedValidationError): boolean {
  if (error.schemaPath.includes('/anyOf/')) return false;
  return !(error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties'));
}

function describeError(
  schema: object,
  body: unknown,
  error: TLocalizedValidationError,
  all: readonly TLocalizedValidationError[],
): BodyIssue[] {
  const at = locate(error.instancePath, body);
  const failed = locate(error.schemaPath.replace(/^#/, ''), schema).value;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    // One error names every missing (or unknown) property of an object: one issue each.
    case 'required':
      return (params.requiredProperties as string[]).map((name) =>
        issue(childPath(at.path, name), `missing; ${give(propertiesOf(failed)[name])}`),
      );
    case 'additionalProperties':
      return (params.additionalProperties as string[]).map((name) =>
        issue(childPath(at.path, name), unknownField(name, Object.keys(propertiesOf(failed)))),
      );
    case 'minProperties': {
      const known = Object.keys(propertiesOf(failed));
      return [{ path: at.path, message: `${known.join(', ')}: give at least one${about(failed, ' (', ')')}` }];
    }
    case 'minimum':
      return [issue(at.path, `${shown(at.value)} is below ${String(params.limit)}; ${give(failed)}`)];
    case 'maximum':
      return [issue(at.path, `${shown(at.value)} is above ${String(params.limit)}; ${give(failed)}`)];
    case 'anyOf': {
      // The branch that got furthest into the value is the one meant: `[1, "two"]` for a number
      // or an array of them fails at `[1]` in the array's branch, and that is the useful message.
      const deeper = all
        .filter(
          (e) =>
            e.schemaPath.startsWith(`${error.schemaPath}/anyOf/`) && e.instancePath.length > error.instancePath.length,
        )
        .sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
      if (deeper) return describeError(schema, body, deeper, all);
      return [mismatch(at, failed)];
    }
    default:
      return [mismatch(at, failed)];
  }
}

function mismatch(at: { path: string; value: unknown }, failed: unknown): BodyIssue {
  if (at.path === '') {
    return issue('', `must be ${expected(failed)}${synopsis(failed)}${about(failed, ' (', ')')}`);
  }
  return issue(at.path, `${shown(at.value)} is not ${expected(failed)}`);
}

function issue(path: string, problem: string): BodyIssue {
  return { path, message: path === '' ? `the request body ${problem}` : `${path}: ${problem}` };
}

function unknownField(name: string, known: string[]): string {
  if (known.length === 0) return 'unknown field; this request takes no fields: send {} or nothing';
  const meant = closestName(name, known);
  return `unknown field${meant === undefined ? '' : `; did you mean '${meant}'?`} (the fields: ${known.join(', ')})`;
}

/** `give the workflow's input as a JSON object`, or `give a JSON object` for a schema with no description. */
function give(schema: unknown): string {
  return `give ${about(schema, '', ' as ')}${expected(schema)}`;
}

function about(schema: unknown, before: string, after = ''): string {
  const description = isSchemaObject(schema) ? schema.description : undefined;
  return typeof description === 'string' ? `${before}${description}${after}` : '';
}

/** What a schema accepts, in words: `a whole number from 1 to 100`, `a JSON object or null`. */
function expected(schema: unknown): string {
  if (!isSchemaObject(schema)) return 'any JSON value';
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map(expected).join(' or ');
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map(String).join(', ')}`;
  if ('const' in schema) return JSON.stringify(schema.const);
  const { minimum, maximum } = schema;
  const range =
    minimum !== undefined && maximum !== undefined
      ? ` from ${minimum} to ${maximum}`
      : minimum !== undefined
        ? ` >= ${minimum}`
        : maximum !== undefined
          ? ` <= ${maximum}`
          : '';
  switch (schema.type) {
    case 'string':
      return (schema.minLength as number) > 0 ? 'a non-empty string' : 'a string';
    case 'integer':
      return `a whole number${range}`;
    case 'number':
      return `a number${range}`;
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'null';
    case 'object':
      return 'a JSON object';
    case 'array':
      return `${(schema.minItems as number) > 0 ? 'a non-empty' : 'a'} JSON array${schema.items === undefined ? '' : `, each item ${expected(schema.items)}`}`;
    default:
      return 'any JSON value';
  }
}

/** `: { workflow, version?, input?, id? }` for an object schema with declared properties, '' for others. */
function synopsis(schema: unknown): string {
  const properties = Object.keys(propertiesOf(schema));
  if (properties.length === 0 || !isSchemaObject(schema)) return '';
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const open = schema.additionalProperties === false ? '' : ', …';
  return `: { ${properties.map((name) => (required.has(name) ? name : `${name}?`)).join(', ')}${open} }`;
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  return isSchemaObject(schema) && isSchemaObject(schema.properties)
    ? (schema.properties as Record<string, unknown>)
    : {};
}

/** The value as JSON, cut short: a message quotes it, it does not echo a whole document. */
function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}
