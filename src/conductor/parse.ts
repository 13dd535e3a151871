/**
 * Reading a Conductor workflow definition from JSON or YAML text.
 *
 * JSON is read with `JSON.parse`, so what it accepts is exactly JSON (as Jackson in Conductor: no
 * comments, no trailing commas; a repeated key keeps its last value). YAML is read with the `yaml`
 * package (YAML 1.2, core schema: no dates, no merge keys; repeated keys and several documents in
 * one text are refused). Either way, a field Conductor does not know is refused with its place and
 * the nearest known name, and the definition is otherwise returned exactly as written (defaults
 * are not filled in: `model.ts` documents them).
 */
import { parseDocument } from 'yaml';
import { DefinitionError, type DefinitionIssue, DefinitionSyntaxError } from '../core/errors.js';
import type { TaskDef, WorkflowDef } from './model.js';
import { findUnknownFields } from './unknown-fields.js';
import { type ValidateOptions, validateDefinition } from './validate.js';
import { definitionLabel, isPlainObject } from './walk.js';

export interface ParseOptions {
  /**
   * The text's format; `auto` reads JSON when the text starts with `{` and YAML otherwise.
   * @default 'auto'
   */
  format?: 'json' | 'yaml' | 'auto';
  /** Names the text in messages, e.g. its file name. @default 'the definition' */
  source?: string;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.min(offset, text.length));
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** V8's message without the echo of the source text it sometimes appends. */
function jsonProblem(message: string): string {
  return message
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .trim();
}

function readJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    let where = { line: 0, column: 0 };
    if (position) {
      where = lineAndColumn(text, Number(position[1]));
    } else if (/Unexpected end of JSON input/.test(message)) {
      where = lineAndColumn(text, text.length);
    } else {
      // V8 leaves the position out of some messages; the YAML parser (JSON is YAML) finds it.
      const located = parseDocument(text, { schema: 'json' }).errors[0]?.linePos?.[0];
      if (located) where = { line: located.line, column: located.col };
    }
    throw new DefinitionSyntaxError({ source, format: 'json', ...where, problem: jsonProblem(message) });
  }
}

function readYaml(text: string, source: string): unknown {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const error = document.errors[0];
  if (error) {
    const at = error.linePos?.[0];
    throw new DefinitionSyntaxError({
      source,
      format: 'yaml',
      line: at?.line ?? 0,
      column: at?.col ?? 0,
      // The pretty message appends the position and an excerpt; the error carries the position.
      problem: error.message.replace(/ at line \d+, column \d+.*$/s, ''),
    });
  }
  return document.toJS();
}

/** The data in `text`, JSON or YAML; refuses malformed text with its line and column. */
export function readDefinitionText(text: string, options: ParseOptions = {}): unknown {
  const source = options.source ?? 'the definition';
  const format = options.format ?? 'auto';
  const json = format === 'json' || (format === 'auto' && /^\s*[{[]/.test(text));
  return json ? readJson(text, source) : readYaml(text, source);
}

function asObject(data: unknown, options: ParseOptions, kind: string): Record<string, unknown> {
  if (isPlainObject(data)) return data;
  const got = Array.isArray(data) ? 'a list' : data === null ? 'nothing' : `a ${typeof data}`;
  throw new DefinitionError(definitionLabel(undefined, options.source, kind), [
    {
      path: '',
      field: '',
      message: `a ${kind} must be an object (a JSON object or YAML mapping), but the text holds ${got}`,
    },
  ]);
}

/**
 * A workflow definition read from JSON or YAML text, exactly as written. Throws
 * `DefinitionSyntaxError` for malformed text and `DefinitionError` listing every unknown field.
 * Structure is not checked: use `loadDefinition`, or `validateDefinition` on the result.
 *
 * @example
 * const def = parseDefinition(readFileSync('encode_and_deploy.json', 'utf8'), { source: 'encode_and_deploy.json' });
 */
export function parseDefinition(text: string, options: ParseOptions = {}): WorkflowDef {
  const data = asObject(readDefinitionText(text, options), options, 'workflow definition');
  const issues = findUnknownFields(data);
  if (issues.length > 0) throw new DefinitionError(definitionLabel(data, options.source), issues);
  return data as unknown as WorkflowDef;
}

/** A task definition (TaskDef) read from JSON or YAML text; unknown fields are refused. */
export function parseTaskDefinition(text: string, options: ParseOptions = {}): TaskDef {
  const data = asObject(readDefinitionText(text, options), options, 'task definition');
  const issues = findUnknownFields(data, '', 'taskDef');
  if (issues.length > 0) throw new DefinitionError(definitionLabel(data, options.source, 'task definition'), issues);
  return data as unknown as TaskDef;
}

/**
 * A workflow definition read and checked in one go: malformed text throws `DefinitionSyntaxError`;
 * otherwise unknown fields and structural problems are reported together in one `DefinitionError`.
 *
 * @example
 * const def = loadDefinition(text, { source: 'order.yaml', resolveWorkflow: (name, v) => registry.get(name, v) });
 */
export function loadDefinition(text: string, options: ParseOptions & ValidateOptions = {}): WorkflowDef {
  const data = asObject(readDefinitionText(text, options), options, 'workflow definition');
  const issues: DefinitionIssue[] = [...findUnknownFields(data), ...validateDefinition(data, options)];
  if (issues.length > 0) throw new DefinitionError(definitionLabel(data, options.source), issues);
  return data as unknown as WorkflowDef;
}
