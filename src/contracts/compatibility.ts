/**
 * Schema compatibility: can a subscriber that declared one version (the reader) read every event
 * a producer publishes under another (the writer)?
 *
 * Decided structurally on the JSON Schema TypeBox emits: objects (properties, required,
 * additionalProperties), the primitive types, arrays of one item schema, enum/const and anyOf.
 * Anything else is compared by deep equality and, where it differs on the reader's side,
 * reported as "cannot prove compatible": the check may refuse a compatible pair, never accept a
 * breaking one, except for one assumption: a producer sends only the properties its schema
 * declares. So a reader may declare an optional field its writers do not know (readers can adopt
 * a new version before producers), and a closed reader (`additionalProperties: false`) only
 * breaks on properties a writer declares. Exact for closed writer schemas.
 */
import { isDeepStrictEqual } from 'node:util';
import { Value } from 'typebox/value';
import type { Incompatibility } from '../core/errors.js';
import { ANNOTATIONS, childPath, describeSchema, isSchemaObject, type JsonSchema } from './json-schema.js';

export type { Incompatibility } from '../core/errors.js';

/** A JSON Schema, or `true` (anything) / `false` (nothing) where a subschema may be boolean. */
type Schema = JsonSchema | boolean;

/** Keywords this module reasons about; any other is compared by equality. */
const MODELED = new Set([
  'type',
  'const',
  'enum',
  'anyOf',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
]);

/** A lower bound the reader may only keep or loosen (`<=` the writer's). */
const LOWER_BOUNDS = ['minLength', 'minimum', 'minItems'] as const;
/** An upper bound the reader may only keep or loosen (`>=` the writer's). */
const UPPER_BOUNDS = ['maxLength', 'maximum', 'maxItems'] as const;
const STRING_CONSTRAINTS = new Set(['minLength', 'maxLength', 'pattern', 'format']);

/**
 * Reasons why an event valid under `writer` may be invalid under `reader`; empty when every
 * writer-valid event stays valid.
 *
 * @example
 * checkCompatible(v2.schema, v1.schema);
 * // [{ path: 'customer.email', reason: 'required by the reader but optional in the writer' }]
 */
export function checkCompatible(writer: JsonSchema, reader: JsonSchema): Incompatibility[] {
  const found: Incompatibility[] = [];
  compare(writer, reader, '', found);
  return found;
}

function compare(writer: Schema, reader: Schema, path: string, found: Incompatibility[]): void {
  if (writer === false || acceptsAnything(reader) || isDeepStrictEqual(writer, reader)) return;
  if (reader === false) {
    found.push({ path, reason: 'the reader accepts no value here' });
    return;
  }
  const w: JsonSchema = writer === true ? {} : writer;
  const r = reader as JsonSchema;
  if (Array.isArray(w.anyOf)) {
    if (Object.keys(w).some((k) => k !== 'anyOf' && !ANNOTATIONS.has(k))) {
      found.push({ path, reason: "cannot prove compatible: the writer's anyOf is combined with other keywords" });
    } else for (const branch of w.anyOf) compare(branch as Schema, r, path, found);
    return;
  }
  // A finite set of values is checked value by value against the reader: exact, whatever its keywords.
  const values = finiteValues(w);
  if (values !== undefined) {
    compareValues(values, r, path, found);
    return;
  }
  found.push(...unmodeledDifferences(w, r, path));
  if (Array.isArray(r.anyOf)) {
    compareToUnion(w, r.anyOf as Schema[], path, found);
    return;
  }
  if (!compareTypes(w, r, path, found)) return;
  const readerValues = finiteValues(r);
  if (readerValues !== undefined) {
    found.push({
      path,
      reason: `the writer may send any ${describeSchema(w)}, the reader accepts only ${describeSchema(r)}`,
    });
    return;
  }
  compareBounds(w, r, path, found);
  // Tuples (array-form items) are outside the model: a reader's is compared by equality above.
  if (r.items !== undefined && !Array.isArray(r.items)) {
    if (Array.isArray(w.items)) found.push({ path, reason: "cannot prove compatible: the writer's items is a tuple" });
    else compare((w.items ?? true) as Schema, r.items as Schema, `${path}[]`, found);
  }
  compareObjects(w, r, path, found);
}

/**
 * Keywords outside the model, and unions mixed with other constraints, are compared as they are:
 * a reader keyword the writer does not share exactly cannot be proved harmless. A writer-only
 * keyword only narrows what the writer sends, so it is harmless.
 */
function unmodeledDifferences(w: JsonSchema, r: JsonSchema, path: string): Incompatibility[] {
  const found: Incompatibility[] = [];
  for (const [keyword, value] of Object.entries(r)) {
    const tuple = keyword === 'items' && Array.isArray(value);
    const mixedUnion = keyword !== 'anyOf' && !ANNOTATIONS.has(keyword) && Array.isArray(r.anyOf);
    if (ANNOTATIONS.has(keyword) || (MODELED.has(keyword) && !tuple && !mixedUnion)) continue;
    if (isDeepStrictEqual(w[keyword], value)) continue;
    const writerValue = w[keyword] === undefined ? 'none' : JSON.stringify(w[keyword]);
    found.push({
      path,
      reason: STRING_CONSTRAINTS.has(keyword)
        ? `string constraint '${keyword}' tightened: the reader requires ${JSON.stringify(value)}, the writer has ${writerValue}; the reader may refuse strings the writer accepts`
        : `cannot prove compatible: '${keyword}' is ${JSON.stringify(value)} in the reader, ${writerValue} in the writer`,
    });
  }
  return found;
}

function acceptsAnything(schema: Schema): boolean {
  return schema === true || (schema !== false && Object.keys(schema).every((k) => ANNOTATIONS.has(k)));
}

function finiteValues(schema: JsonSchema): readonly unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  return Array.isArray(schema.enum) ? schema.enum : undefined;
}

/** A writer with a finite set of values is compatible iff the reader accepts each of them. */
function compareValues(values: readonly unknown[], r: JsonSchema, path: string, found: Incompatibility[]): void {
  for (const value of values) {
    let accepted: boolean;
    try {
      accepted = Value.Check(r, value);
    } catch {
      found.push({
        path,
        reason: `cannot prove compatible: the reader's schema cannot check ${JSON.stringify(value)}`,
      });
      return;
    }
    if (!accepted) {
      found.push({
        path,
        reason: `the writer may send ${JSON.stringify(value)}, which the reader does not accept (it expects ${describeSchema(r)})`,
      });
    }
  }
}

/**
 * The writer must fit one branch of the reader's union. When it fits none, the branch of the
 * writer's own type gives the precise reasons (a nested field of a nullable object).
 */
function compareToUnion(w: JsonSchema, branches: Schema[], path: string, found: Incompatibility[]): void {
  const attempts = branches.map((branch) => {
    const reasons: Incompatibility[] = [];
    compare(w, branch, path, reasons);
    return reasons;
  });
  if (attempts.some((reasons) => reasons.length === 0)) return;
  const writerTypes = typesOf(w);
  const sameType = branches.flatMap((branch, i) => {
    const types = isSchemaObject(branch) ? typesOf(branch) : undefined;
    return types?.some((t) => writerTypes?.includes(t)) ? [i] : [];
  });
  if (sameType.length === 1) {
    found.push(...(attempts[sameType[0]!] ?? []));
    return;
  }
  found.push({
    path,
    reason: `the writer sends ${describeSchema(w)}, which fits none of the reader's ${describeSchema({ anyOf: branches })}`,
  });
}

function typesOf(schema: JsonSchema): string[] | undefined {
  if (typeof schema.type === 'string') return [schema.type];
  return Array.isArray(schema.type) ? (schema.type as string[]) : undefined;
}

/** False when the types differ, and nothing below them is worth comparing. */
function compareTypes(w: JsonSchema, r: JsonSchema, path: string, found: Incompatibility[]): boolean {
  const writerTypes = typesOf(w);
  const readerTypes = typesOf(r);
  if (readerTypes === undefined) return true;
  if (writerTypes === undefined) {
    const unknown = Object.keys(w).filter((k) => !MODELED.has(k) && !ANNOTATIONS.has(k));
    found.push({
      path,
      reason:
        unknown.length > 0
          ? `cannot prove compatible: the writer's ${unknown.map((k) => `'${k}'`).join(', ')} is not modeled, the reader expects ${readerTypes.join(' | ')}`
          : `the writer allows any value, the reader expects ${readerTypes.join(' | ')}`,
    });
    return false;
  }
  // Every integer is a number; not every number is an integer.
  const fits = (t: string) => readerTypes.includes(t) || (t === 'integer' && readerTypes.includes('number'));
  if (writerTypes.every(fits)) return true;
  found.push({
    path,
    reason: `type changed: the writer sends ${writerTypes.join(' | ')}, the reader expects ${readerTypes.join(' | ')}`,
  });
  return false;
}

function compareBounds(w: JsonSchema, r: JsonSchema, path: string, found: Incompatibility[]): void {
  const check = (keyword: string, loosens: (writer: number, reader: number) => boolean) => {
    const reader = r[keyword];
    const writer = w[keyword];
    if (typeof reader !== 'number') return;
    if (typeof writer === 'number' && loosens(writer, reader)) return;
    const kind = STRING_CONSTRAINTS.has(keyword) ? 'string constraint' : 'constraint';
    found.push({
      path,
      reason: `${kind} '${keyword}' tightened: the reader requires ${reader}, the writer ${typeof writer === 'number' ? `allows ${writer}` : 'has none'}`,
    });
  };
  for (const keyword of LOWER_BOUNDS) check(keyword, (writer, reader) => reader <= writer);
  for (const keyword of UPPER_BOUNDS) check(keyword, (writer, reader) => reader >= writer);
}

function compareObjects(w: JsonSchema, r: JsonSchema, path: string, found: Incompatibility[]): void {
  const writerProps = (isSchemaObject(w.properties) ? w.properties : {}) as Record<string, Schema>;
  const readerProps = (isSchemaObject(r.properties) ? r.properties : {}) as Record<string, Schema>;
  const writerRequired = new Set(Array.isArray(w.required) ? (w.required as string[]) : []);
  const writerExtra = w.additionalProperties as Schema | undefined;
  const readerExtra = r.additionalProperties as Schema | undefined;

  for (const key of Array.isArray(r.required) ? (r.required as string[]) : []) {
    if (writerRequired.has(key)) continue;
    found.push({
      path: childPath(path, key),
      reason:
        key in writerProps
          ? 'required by the reader but optional in the writer'
          : 'required by the reader but not sent by the writer',
    });
  }
  for (const [key, writerProp] of Object.entries(writerProps)) {
    const at = childPath(path, key);
    if (key in readerProps) compare(writerProp, readerProps[key]!, at, found);
    else if (readerExtra === false) {
      found.push({
        path: at,
        reason:
          'the writer sends this property, the reader does not declare it and allows no others (additionalProperties: false)',
      });
    } else if (readerExtra !== undefined) compare(writerProp, readerExtra, at, found);
  }
  // A writer whose additionalProperties is a schema sends undeclared properties of that schema.
  if (writerExtra === undefined || typeof writerExtra === 'boolean') return;
  for (const [key, readerProp] of Object.entries(readerProps)) {
    if (!(key in writerProps)) compare(writerExtra, readerProp, childPath(path, key), found);
  }
  if (readerExtra === false) {
    found.push({
      path,
      reason:
        'the writer allows additional properties of its own, the reader allows none (additionalProperties: false)',
    });
  } else if (readerExtra !== undefined) compare(writerExtra, readerExtra, path === '' ? '*' : `${path}.*`, found);
}
