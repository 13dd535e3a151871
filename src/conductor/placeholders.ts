/**
 * Finding `${…}` placeholders in definition strings, the way Conductor's `ParametersUtils` does.
 *
 * Conductor matches a `${` that is not preceded by `$` (so `$${` escapes it) up to the `}` that
 * balances it, so placeholders nest: `${map.${key}[${i}]}`. Its pattern is a regular expression
 * emulating brace balancing; a scanner does the same in linear time. The one difference is for
 * malformed text: after an unbalanced `${`, Java's matcher keeps stale group state and may skip
 * later placeholders of the same string, where this scanner still finds them. Validation reports
 * every unbalanced `${` (see `unterminatedPlaceholders`), so definitions never depend on it.
 */

export interface Placeholder {
  /** Index of the `$` of `${`. */
  start: number;
  /** Index just past the balancing `}`. */
  end: number;
  /** The text between `${` and its `}`, nested placeholders included. */
  body: string;
}

/** The system parameters Conductor resolves without a document (`EnvUtils.SystemParameters`). */
export const SYSTEM_PARAMETERS: ReadonlySet<string> = new Set(['CPEWF_TASK_ID', 'NETFLIX_ENV', 'NETFLIX_STACK']);

function opensAt(text: string, i: number): boolean {
  return text[i] === '$' && text[i + 1] === '{' && (i === 0 || text[i - 1] !== '$');
}

/** Index just past the `}` balancing the `{` at `open`, or -1 when there is none. */
function balancedEnd(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    const ch = text[j];
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return j + 1;
  }
  return -1;
}

/** The top-level placeholders of `text`, left to right (nested ones are inside their `body`). */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  let i = 0;
  while (i < text.length - 1) {
    if (!opensAt(text, i)) {
      i++;
      continue;
    }
    const end = balancedEnd(text, i + 1);
    if (end === -1) {
      i++;
      continue;
    }
    found.push({ start: i, end, body: text.slice(i + 2, end - 1) });
    i = end;
  }
  return found;
}

/** Indexes of every `${` (nested ones included) that no `}` balances. */
export function unterminatedPlaceholders(text: string): number[] {
  const open: number[] = [];
  for (let i = 0; i < text.length - 1; i++) {
    if (opensAt(text, i) && balancedEnd(text, i + 1) === -1) open.push(i);
  }
  return open;
}

/** `$${` → `${`: Conductor applies this to every string it interpolates, substituted values included. */
export function unescapePlaceholders(text: string): string {
  return text.replaceAll('$${', '${');
}

/**
 * The task reference a placeholder body reads from (`encode` in `encode.output.location` or
 * `$.encode['output']`), or undefined for the workflow, system parameters, names in `environment`,
 * paths from the root (`$..x`, `$[0]`) and names computed by a nested placeholder.
 */
export function referencedTask(body: string, environment: ReadonlySet<string> = new Set()): string | undefined {
  let path = body.trim();
  if (path === '' || path.startsWith('${') || SYSTEM_PARAMETERS.has(path) || environment.has(path)) return undefined;
  if (path.startsWith('$.')) path = path.slice(2);
  else if (path.startsWith('$')) path = path.slice(1);
  let first: string | undefined;
  const bracket = /^\[\s*(['"])(.*?)\1\s*\]/.exec(path);
  if (bracket) first = bracket[2];
  else if (/^[.[]/.test(path)) return undefined;
  else first = /^[^.[]*/.exec(path)?.[0];
  if (first === undefined || first === '' || first === 'workflow' || first.includes('${')) return undefined;
  return first.trim();
}

/** Every placeholder body in `text`, outer ones before the ones nested in them. */
export function allPlaceholderBodies(text: string): string[] {
  const bodies: string[] = [];
  for (const placeholder of findPlaceholders(text)) {
    bodies.push(placeholder.body, ...allPlaceholderBodies(placeholder.body));
  }
  return bodies;
}
