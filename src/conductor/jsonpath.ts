/**
 * Reading a JSONPath from an expression document with the results Conductor gets from Jayway
 * JsonPath (configured with `SUPPRESS_EXCEPTIONS`). The cases in test/conductor/fixtures/
 * jayway-cases.json were recorded from Jayway 2.10.0 itself.
 *
 * `jsonpath-plus` parses every path and evaluates the indefinite ones (wildcards, `..`, filters,
 * slices, unions), which return a list, possibly empty. Definite paths (names and indexes only)
 * are walked here instead, because Jayway's answers differ from jsonpath-plus's there: a missing
 * key gives null rather than nothing, a negative index counts from the end, and a string's or a
 * list's `length` is not a property. Jayway's trailing functions (`.length()`, `.sum()`…) are applied
 * here too, as jsonpath-plus has none. Filters are evaluated by jsonpath-plus's safe evaluator (no
 * `eval`, no access to the host): JavaScript comparison syntax, so Jayway-only operators (`=~`,
 * `in`, `nin`, `size`, `empty`…) are not understood and such a filter reads as an empty list.
 */
import { JSONPath } from 'jsonpath-plus';

export interface PathValue {
  /** null when nothing is there (Conductor gets null, not an error). */
  value: unknown;
  /**
   * How Conductor prints the value when interpolating it: `list` for the json-smart list an
   * indefinite path returns (compact JSON), `double` for a Java `Double` from an aggregation
   * (`6.0`), `value` for anything else (Java's `toString`).
   */
  printAs: 'value' | 'list' | 'double';
}

const NOTHING: PathValue = { value: null, printAs: 'value' };
const INDEX = /^-?\d+$/;
const TRAILING_FUNCTION = /\.([A-Za-z]+)\s*\(\s*\)\s*$/;
const AGGREGATIONS = new Set(['sum', 'avg', 'min', 'max', 'stddev']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Thrown where Jayway's function throws; the whole read then gives null. */
class FunctionFailed extends Error {}

/** The numbers of a list; Jayway's aggregations skip anything else and fail on none. */
function numbersOf(value: unknown): number[] {
  const numbers = Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : [];
  if (numbers.length === 0) throw new FunctionFailed();
  return numbers;
}

function aggregate(name: string, input: unknown): number {
  const numbers = numbersOf(input);
  const sum = numbers.reduce((total, n) => total + n, 0);
  const mean = sum / numbers.length;
  switch (name) {
    case 'sum':
      return sum;
    case 'avg':
      return mean;
    case 'min':
      return numbers.reduce((low, n) => Math.min(low, n));
    case 'max':
      return numbers.reduce((high, n) => Math.max(high, n));
    default: // stddev, of the population as Jayway computes it
      return Math.sqrt(numbers.reduce((total, n) => total + n * n, 0) / numbers.length - mean * mean);
  }
}

/** Jayway's argument-less path functions applied to one value; unknown ones give null. */
function applyFunction(name: string, input: unknown): unknown {
  if (AGGREGATIONS.has(name)) return aggregate(name, input);
  switch (name) {
    case 'length':
    case 'size':
      if (Array.isArray(input)) return input.length;
      return isPlainObject(input) ? Object.keys(input).length : null;
    case 'keys':
      return isPlainObject(input) ? Object.keys(input) : null;
    case 'first':
    case 'last':
      if (!Array.isArray(input) || input.length === 0) throw new FunctionFailed();
      return name === 'first' ? input[0] : input[input.length - 1];
    default:
      return null;
  }
}

/**
 * A function after a leading scan (`$..price.sum()`) gets all the matches at once, the way
 * Jayway rewrites it (`$.sum($..price)`): `length()` counts the matches' children (Jayway appends
 * a wildcard to the scan), `keys()` ignores the scan and lists the root's keys, and sequence
 * functions give null.
 */
function applyToScan(name: string, matches: unknown[], document: unknown): unknown {
  if (AGGREGATIONS.has(name)) return aggregate(name, matches);
  if (name === 'keys') return applyFunction(name, document);
  if (name !== 'length' && name !== 'size') return null;
  return matches.reduce<number>((count, match) => {
    if (Array.isArray(match)) return count + match.length;
    return count + (isPlainObject(match) ? Object.keys(match).length : 0);
  }, 0);
}

function isDefinite(tokens: readonly string[]): boolean {
  return tokens.slice(1).every((token) => !/[*:,?()@]/.test(token) && token !== '..');
}

function walk(document: unknown, tokens: readonly string[]): PathValue {
  let current = document;
  for (const token of tokens.slice(1)) {
    if (Array.isArray(current) && INDEX.test(token)) {
      const index = Number(token) < 0 ? current.length + Number(token) : Number(token);
      if (index < 0 || index >= current.length) return NOTHING;
      current = current[index];
    } else if (isPlainObject(current) && Object.hasOwn(current, token)) {
      current = current[token];
    } else {
      return NOTHING;
    }
  }
  return { value: current ?? null, printAs: 'value' };
}

/** A negative index inside an indefinite path, as the one-element slice jsonpath-plus understands. */
function sliceForNegativeIndex(token: string): string {
  if (!/^-\d+$/.test(token)) return token;
  const from = Number(token);
  return from === -1 ? '-1:' : `${from}:${from + 1}`;
}

/**
 * Reads `path` from `document` as Conductor does: `workflow.input.x` is `$.workflow.input.x`, a
 * missing value is null, an indefinite path gives a list, a path that does not parse gives null.
 * Trailing blanks are ignored and leading ones are not (` workflow…` names a key starting with a
 * blank), as in Jayway.
 */
export function readPath(document: unknown, path: string): PathValue {
  let source = path.trimEnd();
  if (source.startsWith('@')) source = `$${source.slice(1)}`;
  else if (!source.startsWith('$')) source = `$.${source}`;
  const fn = TRAILING_FUNCTION.exec(source);
  if (fn) source = source.slice(0, fn.index);
  if (source.endsWith('.')) return NOTHING; // Jayway refuses a path ending in a dot

  let tokens: string[];
  try {
    // toPathArray caches and returns the same array for the same path: copy before changing it.
    tokens = [...JSONPath.toPathArray(source)];
  } catch {
    return NOTHING;
  }
  // A call left in the path is a function Jayway could not parse (`list. length()`, `concat("a")`).
  if (tokens[0] !== '$' || tokens.some((token) => /^[^?(].*\(/.test(token))) return NOTHING;
  const name = fn?.[1];
  const printAs = name !== undefined && AGGREGATIONS.has(name) ? 'double' : 'value';
  try {
    if (isDefinite(tokens)) {
      const found = walk(document, tokens);
      return name === undefined ? found : { value: applyFunction(name, found.value), printAs };
    }
    const matches = evaluateIndefinite(document, tokens);
    if (name === undefined) return { value: matches, printAs: 'list' };
    // After a leading scan the function sees all matches; otherwise Jayway applies it per match.
    if (tokens[1] === '..') return { value: applyToScan(name, matches, document), printAs };
    return { value: matches.map((match) => applyFunction(name, match)), printAs: 'list' };
  } catch (error) {
    if (error instanceof FunctionFailed) return NOTHING;
    throw error;
  }
}

function evaluateIndefinite(document: unknown, tokens: readonly string[]): unknown[] {
  try {
    const value = JSONPath({
      path: tokens.map(sliceForNegativeIndex),
      json: document as object,
      wrap: true,
      eval: 'safe',
    });
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}
