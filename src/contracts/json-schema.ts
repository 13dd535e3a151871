/**
 * The plain JSON Schema objects contracts carry, and how their parts are named in messages.
 *
 * Contracts keep a JSON copy of the TypeBox schema, not the TypeBox object: the copy is what can be
 * stored, sent and compared, and it is what both validation and the compatibility check read, so
 * they cannot disagree. Paths use the notation people write in code: `customer.email`,
 * `items[2].qty` for data, `items[].qty` for any element of a schema's array.
 */

/** A JSON Schema as a plain, JSON-serializable object (what TypeBox's `Type.*` builders produce). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** Keywords that describe a schema without constraining its values. */
export const ANNOTATIONS: ReadonlySet<string> = new Set([
  '$comment',
  '$id',
  '$schema',
  'default',
  'deprecated',
  'description',
  'examples',
  'readOnly',
  'title',
  'writeOnly',
]);

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `path` extended by one property: `a.b`, or `a["odd key"]` when the key is not an identifier. */
export function childPath(path: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function isSchemaObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short human description of what a schema accepts, for messages: `string`, `"a" | "b"`, `object`. */
export function describeSchema(schema: unknown): string {
  if (schema === true) return 'any value';
  if (schema === false) return 'no value';
  if (!isSchemaObject(schema)) return JSON.stringify(schema);
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map(describeSchema).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'array' && schema.items !== undefined && !Array.isArray(schema.items)) {
    return `array of ${describeSchema(schema.items)}`;
  }
  if (typeof schema.type === 'string') return schema.type;
  return 'any value';
}

/** JSON Pointer segments, unescaped (`~1` is `/`, `~0` is `~`). */
export function segments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * The value a JSON Pointer (`/items/2/qty`) leads to in `data`, and its path as `items[2].qty`:
 * walking the data tells an array index from an object key that looks like a number.
 */
export function locate(pointer: string, data: unknown): { path: string; value: unknown } {
  let path = '';
  let value: any = data;
  for (const segment of segments(pointer)) {
    path = Array.isArray(value) ? `${path}[${segment}]` : childPath(path, segment);
    value = value?.[segment];
  }
  return { path, value };
}
