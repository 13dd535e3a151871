/**
 * Evaluating `${…}` expressions in `inputParameters` and `outputParameters` exactly as Conductor's
 * `ParametersUtils` (schema version 2) does.
 *
 * - The document expressions read is `{ workflow: {input, output, variables, …}, <taskRef>: {input,
 *   output, status, taskId, …} }`; the text inside `${…}` is a JSONPath into it, `$.` implied.
 * - A string that is exactly one expression yields the value itself (number, object, list, or null
 *   when nothing is there). Otherwise each expression is replaced by its value's text, as Java
 *   prints it (see `java-text.ts`: objects print as `{a=1}`, missing values as `null`).
 * - Expressions nest (`${map.${key}}`: the inner one is interpolated into the path first), `$${`
 *   escapes a literal `${`, `${}` is the empty string, and `${workflow.secrets.…}` is left as is
 *   (Conductor resolves secrets later, when it hands the task to a worker).
 * - Values in maps and lists are evaluated recursively; numbers, booleans and null stay as they are.
 * - `${CPEWF_TASK_ID}` is the task's id; `${NETFLIX_ENV}`, `${NETFLIX_STACK}` and any other name
 *   are host values in Conductor. Tutti shows the host nothing unless given `environment`, so a
 *   definition cannot read secrets from the server's environment. A name with no value is left
 *   as written, as in Conductor.
 */
import { javaDouble, javaToString, jsonSmartString } from './java-text.js';
import { type PathValue, readPath } from './jsonpath.js';
import type { JsonObject } from './model.js';
import {
  allPlaceholderBodies,
  findPlaceholders,
  referencedTask,
  SYSTEM_PARAMETERS,
  unescapePlaceholders,
} from './placeholders.js';

/** The running workflow, as expressions see it under `workflow`. Absent fields read as null. */
export interface WorkflowState {
  input?: unknown;
  output?: unknown;
  variables?: unknown;
  workflowId?: string;
  parentWorkflowId?: string;
  parentWorkflowTaskId?: string;
  /** The workflow definition's name. */
  workflowType?: string;
  version?: number;
  correlationId?: string;
  status?: string;
  reasonForIncompletion?: string;
  schemaVersion?: number;
}

/** A task that has been scheduled, as expressions see it under its reference name. */
export interface TaskState {
  input?: unknown;
  output?: unknown;
  /** Left out of the document when absent, as Conductor does. */
  status?: string;
  taskId?: string;
  taskType?: string;
  referenceTaskName?: string;
  retryCount?: number;
  correlationId?: string;
  pollCount?: number;
  taskDefName?: string;
  scheduledTime?: number;
  startTime?: number;
  endTime?: number;
  workflowInstanceId?: string;
  reasonForIncompletion?: string;
  callbackAfterSeconds?: number;
  workerId?: string;
  iteration?: number;
}

export interface ExpressionContext {
  workflow: WorkflowState;
  /** The tasks scheduled so far, by reference name (a loop's tasks by their name without `__<iteration>`). */
  tasks?: Readonly<Record<string, TaskState>>;
}

export interface EvaluationOptions {
  /** The id of the task being scheduled: the value of `${CPEWF_TASK_ID}`. */
  taskId?: string;
  /**
   * Host values that `${NAME}` may read (Conductor reads the server's environment and system
   * properties). Give only what definitions may see, e.g. `{ NETFLIX_ENV: 'prod' }`.
   * @default {} — no host value is visible
   */
  environment?: Readonly<Record<string, string>>;
  /** The task definition's `inputTemplate`: defaults for keys the parameters lack or that evaluate to null. */
  inputTemplate?: JsonObject;
}

// The keys Conductor puts in the document (ParametersUtils.getTaskInputV2), in its order.
const WORKFLOW_KEYS = [
  'input',
  'output',
  'status',
  'workflowId',
  'parentWorkflowId',
  'parentWorkflowTaskId',
  'workflowType',
  'version',
  'correlationId',
  'reasonForIncompletion',
  'schemaVersion',
  'variables',
] as const satisfies readonly (keyof WorkflowState)[];
const TASK_KEYS = [
  'input',
  'output',
  'taskType',
  'status',
  'referenceTaskName',
  'retryCount',
  'correlationId',
  'pollCount',
  'taskDefName',
  'scheduledTime',
  'startTime',
  'endTime',
  'workflowInstanceId',
  'taskId',
  'reasonForIncompletion',
  'callbackAfterSeconds',
  'workerId',
  'iteration',
] as const satisfies readonly (keyof TaskState)[];

const SECRETS_PREFIX = 'workflow.secrets.';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(source: object, keys: readonly string[], skipAbsent: ReadonlySet<string>): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) {
    const value = (source as Record<string, unknown>)[key];
    if (value === undefined && skipAbsent.has(key)) continue;
    picked[key] = value ?? null;
  }
  return picked;
}

/** The document expressions read: `workflow` and one entry per task reference name. */
export function expressionDocument(context: ExpressionContext): Record<string, unknown> {
  const document: Record<string, unknown> = { workflow: pick(context.workflow, WORKFLOW_KEYS, new Set()) };
  for (const [ref, task] of Object.entries(context.tasks ?? {})) {
    document[ref] = pick(task, TASK_KEYS, new Set(['status']));
  }
  return document;
}

interface Evaluation {
  document: unknown;
  taskId: string | undefined;
  environment: Readonly<Record<string, string>>;
}

/** The host value for `name` when Conductor would treat it as one; undefined leaves `${name}` as written. */
function hostValue(name: string, evaluation: Evaluation): { value: string | undefined } | undefined {
  if (name === 'CPEWF_TASK_ID') return { value: evaluation.taskId };
  if (SYSTEM_PARAMETERS.has(name) || Object.hasOwn(evaluation.environment, name)) {
    return { value: evaluation.environment[name] };
  }
  return undefined;
}

interface Replacement {
  start: number;
  end: number;
  value: unknown;
  printAs: PathValue['printAs'];
}

function printed(value: unknown, printAs: PathValue['printAs']): string {
  if (printAs === 'list') return jsonSmartString(value);
  if (printAs === 'double' && typeof value === 'number') return javaDouble(value);
  return javaToString(value);
}

function replaceVariables(text: string, evaluation: Evaluation, depth: number): unknown {
  const replacements: Replacement[] = [];
  for (const placeholder of findPlaceholders(text)) {
    const { start, end } = placeholder;
    const path = String(replaceVariables(placeholder.body, evaluation, depth + 1));
    if (path.trim() === '') {
      replacements.push({ start, end, value: '', printAs: 'value' });
    } else if (path.startsWith(SECRETS_PREFIX)) {
      replacements.push({ start, end, value: text.slice(start, end), printAs: 'value' });
    } else {
      const host = hostValue(path, evaluation);
      if (host === undefined) {
        replacements.push({ start, end, ...readPath(evaluation.document, path) });
      } else if (host.value !== undefined) {
        replacements.push({ start, end, value: host.value, printAs: 'value' });
      }
    }
  }
  const only = replacements.length === 1 ? replacements[0] : undefined;
  if (only && only.start === 0 && only.end === text.length && depth === 0) {
    return isPlainObject(only.value) || Array.isArray(only.value) ? structuredClone(only.value) : only.value;
  }
  let result = text;
  for (const { start, end, value, printAs } of replacements.reverse()) {
    result = result.slice(0, start) + printed(value, printAs) + result.slice(end);
  }
  return unescapePlaceholders(result);
}

function replaceValue(value: unknown, evaluation: Evaluation): unknown {
  if (typeof value === 'string') return replaceVariables(value, evaluation, 0);
  if (Array.isArray(value)) return value.map((item) => replaceValue(item, evaluation));
  if (isPlainObject(value)) {
    const replaced: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) replaced[key] = replaceValue(item, evaluation);
    return replaced;
  }
  return value;
}

function evaluation(document: unknown, options: EvaluationOptions): Evaluation {
  return { document, taskId: options.taskId, environment: options.environment ?? {} };
}

/**
 * A task's input (or a workflow's output) from its parameters, as Conductor computes it.
 *
 * @example
 * evaluateParameters(
 *   { fileLocation: '${encode.output.encodeLocation}', note: 'from ${workflow.input.user}' },
 *   { workflow: { input: { user: 'ana' } }, tasks: { encode: { output: { encodeLocation: 's3://b/k' } } } },
 * ); // → { fileLocation: 's3://b/k', note: 'from ana' }
 */
export function evaluateParameters(
  parameters: Readonly<Record<string, unknown>> | undefined,
  context: ExpressionContext,
  options: EvaluationOptions = {},
): Record<string, unknown> {
  const template = options.inputTemplate ?? {};
  const withDefaults: Record<string, unknown> = { ...parameters };
  for (const [key, value] of Object.entries(template)) {
    if (!Object.hasOwn(withDefaults, key)) withDefaults[key] = value;
  }
  const result = evaluateParametersAgainst(expressionDocument(context), withDefaults, options);
  // As Conductor: a key that evaluates to null falls back to the template's value, unevaluated.
  for (const [key, value] of Object.entries(result)) {
    if (value === null && Object.hasOwn(template, key)) result[key] = structuredClone(template[key]);
  }
  return result;
}

/**
 * Parameters evaluated against any JSON document rather than a workflow's (Conductor's
 * `ParametersUtils.replace(input, json)`, used for event payloads): `${name}` reads `$.name`.
 */
export function evaluateParametersAgainst(
  document: unknown,
  parameters: Readonly<Record<string, unknown>>,
  options: Pick<EvaluationOptions, 'taskId' | 'environment'> = {},
): Record<string, unknown> {
  // replaceValue builds new maps and lists, and values read from the document are cloned, so
  // neither the parameters nor the document can be changed through the result.
  return replaceValue(parameters, evaluation(document, options)) as Record<string, unknown>;
}

/** One string evaluated as a parameter value: typed when it is exactly one `${…}`, text otherwise. */
export function evaluateExpression(text: string, context: ExpressionContext, options: EvaluationOptions = {}): unknown {
  return replaceVariables(text, evaluation(expressionDocument(context), options), 0);
}

/**
 * The task reference names the expressions in `value` (a string, or parameters of any depth)
 * read from, each once, in order of appearance. `workflow`, system parameters and the names in
 * `environment` are not task references.
 *
 * @example
 * listTaskReferences({ a: '${encode.output.url}', b: ['${workflow.input.x}', 'x ${d1.status}'] }); // → ['encode', 'd1']
 */
export function listTaskReferences(value: unknown, environment: Iterable<string> = []): string[] {
  const names = new Set(environment);
  const found = new Set<string>();
  const visit = (item: unknown): void => {
    if (typeof item === 'string') {
      for (const body of allPlaceholderBodies(item)) {
        const ref = referencedTask(body, names);
        if (ref !== undefined) found.add(ref);
      }
    } else if (Array.isArray(item)) {
      item.forEach(visit);
    } else if (isPlainObject(item)) {
      Object.values(item).forEach(visit);
    }
  };
  visit(value);
  return [...found];
}
