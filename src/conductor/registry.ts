/**
 * A durable registry of Conductor definitions (Conductor's metadata API: POST /metadata/workflow,
 * POST /metadata/taskdefs, GET /metadata/workflow/{name}), kept in the store (definitions.ts).
 *
 * - A workflow definition is registered under its name and `version` (1 when absent, as in
 *   Conductor). Task definitions are registered under their name alone: Conductor does not version
 *   them, so the store keeps each at version 1 and a TaskDef's own `version` field stays in its
 *   body as written.
 * - Registering is idempotent: the same definition again is `unchanged` (whatever its whitespace,
 *   format or key order). A different definition under a registered name and version is refused
 *   with DefinitionConflictError, unless `replace` (Conductor's PUT) overwrites it.
 * - Nothing invalid is stored: a definition is checked first (unknown fields, structure), against
 *   the registered task definitions (an `inputTemplate` may supply required inputs) and workflows
 *   (a SUB_WORKFLOW must name a registered workflow, and must not lead back to its own).
 */
import { isDeepStrictEqual } from 'node:util';
import { DefinitionConflictError, DefinitionError, type DefinitionIssue } from '../core/errors.js';
import type { DefinitionKind, DefinitionRecord, DefinitionStore, NewDefinition } from '../store/definitions.js';
import { KNOWN_FIELDS } from './fields.js';
import type { TaskDef, WorkflowDef } from './model.js';
import { type ParseOptions, readDefinitionText } from './parse.js';
import { taskDefinitionIssues } from './task-rules.js';
import { findUnknownFields } from './unknown-fields.js';
import { type ValidateOptions, validateDefinition } from './validate.js';
import { definitionLabel, isPlainObject, stringField } from './walk.js';

/** What a text holds: one workflow definition, or task definitions (one, or a list as Conductor's POST /metadata/taskdefs takes). */
export type DefinitionDocument =
  | { kind: 'workflow'; definition: WorkflowDef }
  | { kind: 'task'; definitions: TaskDef[] };

/** A definition as the registry holds it. */
export interface RegisteredDefinition<T> {
  name: string;
  /** The workflow's version; 1 for every task definition. */
  version: number;
  /** Epoch milliseconds at which the stored definition was registered. */
  registeredAt: number;
  definition: T;
}

export interface Registration {
  kind: DefinitionKind;
  name: string;
  version: number;
  /** created: newly registered; unchanged: the same definition was registered already; replaced: `replace` overwrote another. */
  outcome: 'created' | 'unchanged' | 'replaced';
}

export interface RegisterOptions {
  /** Overwrite a different definition registered under the same name and version (Conductor's PUT). @default false */
  replace?: boolean;
  /** Names the definition in messages, e.g. its file name. @default 'the definition' */
  source?: string;
}

export interface DefinitionRegistryOptions {
  /** The clock that stamps registrations, in epoch milliseconds. @default Date.now */
  now?: () => number;
}

export interface DefinitionRegistry {
  /** Checks and registers a workflow definition, given as an object or as JSON or YAML text. */
  registerWorkflow(definition: WorkflowDef | string, options?: RegisterOptions): Promise<Registration>;
  /**
   * Checks every task definition, then registers them in order. A conflict with a registered one
   * is found before anything is written (unless another process registers at the same moment).
   */
  registerTaskDefs(definitions: readonly TaskDef[], options?: RegisterOptions): Promise<Registration[]>;
  /** A registered workflow definition; the highest version when `version` is absent. */
  getWorkflow(name: string, version?: number): Promise<RegisteredDefinition<WorkflowDef> | undefined>;
  /** Registered workflow definitions (every version, or those of `name`), by name then version. */
  listWorkflows(query?: { name?: string }): Promise<RegisteredDefinition<WorkflowDef>[]>;
  getTaskDef(name: string): Promise<RegisteredDefinition<TaskDef> | undefined>;
  /** Registered task definitions, by name. */
  listTaskDefs(): Promise<RegisteredDefinition<TaskDef>[]>;
}

/** What a registration asks for, as the checks and the write need it. */
interface Intent {
  replace: boolean;
  source: string | undefined;
}

/**
 * A registry of definitions kept in `store`: any Store, the SQLite one to keep them.
 *
 * @example
 * const registry = createDefinitionRegistry(createSqliteStore({ path: './tutti.db' }));
 * await registry.registerTaskDefs([{ name: 'encode', retryCount: 2 }]);
 * await registry.registerWorkflow(readFileSync('encode_and_deploy.json', 'utf8'), { source: 'encode_and_deploy.json' });
 * const latest = await registry.getWorkflow('encode_and_deploy');
 */
export function createDefinitionRegistry(
  store: DefinitionStore,
  options: DefinitionRegistryOptions = {},
): DefinitionRegistry {
  const now = options.now ?? Date.now;

  /** Validation options that see what is registered (loaded whole: registering is rare). */
  const registered = async (): Promise<ValidateOptions> => {
    const [workflows, taskDefs] = await Promise.all([
      store.listDefinitions('workflow').then((records) => records.map(toRegistered<WorkflowDef>)),
      store.listDefinitions('task').then((records) => records.map(toRegistered<TaskDef>)),
    ]);
    const tasksByName = new Map(taskDefs.map((t) => [t.name, t.definition]));
    return {
      // Listed by name then version: the last match is the latest.
      resolveWorkflow: (name, version) =>
        workflows.findLast((w) => w.name === name && (version === undefined || w.version === version))?.definition,
      resolveTaskDef: (name) => tasksByName.get(name),
    };
  };

  /** True when the same definition is registered; throws when another is and may not be replaced. */
  const isRegistered = async (next: NewDefinition, { replace, source }: Intent): Promise<boolean> => {
    const existing = await store.getDefinition(next.kind, next.name, next.version);
    if (existing === undefined) return false;
    if (sameDefinition(existing, next)) return true;
    if (!replace) throw await conflict(next, source);
    return false;
  };

  const write = async (next: NewDefinition, { replace, source }: Intent): Promise<Registration> => {
    const { kind, name, version } = next;
    const { outcome, definition } = await store.putDefinition(next, { replace });
    if (outcome !== 'conflict') return { kind, name, version, outcome };
    // Registered by someone else since `isRegistered`: the same definition (in another key order) or not.
    if (sameDefinition(definition, next)) return unchanged(next);
    throw await conflict(next, source);
  };

  const conflict = async (next: NewDefinition, source: string | undefined): Promise<DefinitionConflictError> => {
    const latest = await store.getDefinition(next.kind, next.name);
    const latestVersion = Math.max(latest?.version ?? 0, next.version);
    // The registry keeps workflow and task definitions only (event handlers are the server's).
    return new DefinitionConflictError({ ...next, kind: next.kind as 'workflow' | 'task', latestVersion, source });
  };

  return {
    async registerWorkflow(definition, registerOptions = {}) {
      const intent = { replace: registerOptions.replace ?? false, source: registerOptions.source };
      const data =
        typeof definition === 'string' ? readDefinitionText(definition, { source: intent.source }) : definition;
      const checked = checkWorkflow(data, { ...(await registered()), source: intent.source });
      const next = toNew('workflow', checked.name, checked.version ?? 1, checked, now());
      return (await isRegistered(next, intent)) ? unchanged(next) : write(next, intent);
    },

    async registerTaskDefs(definitions, registerOptions = {}) {
      const intent = { replace: registerOptions.replace ?? false, source: registerOptions.source };
      const checked = checkTaskDefs(definitions, intent.source);
      const at = now();
      const all = checked.map((def) => toNew('task', def.name, 1, def, at));
      // Every check before the first write, in list order, so that a conflict leaves the store as it was.
      const known: boolean[] = [];
      for (const next of all) known.push(await isRegistered(next, intent));
      const registrations: Registration[] = [];
      for (const [i, next] of all.entries()) registrations.push(known[i] ? unchanged(next) : await write(next, intent));
      return registrations;
    },

    async getWorkflow(name, version) {
      const record = await store.getDefinition('workflow', name, version);
      return record && toRegistered<WorkflowDef>(record);
    },

    async listWorkflows(query = {}) {
      return (await store.listDefinitions('workflow', query)).map(toRegistered<WorkflowDef>);
    },

    async getTaskDef(name) {
      const record = await store.getDefinition('task', name, 1);
      return record && toRegistered<TaskDef>(record);
    },

    async listTaskDefs() {
      return (await store.listDefinitions('task')).map(toRegistered<TaskDef>);
    },
  };
}

/**
 * What a JSON or YAML text holds, checked on its own (not against a registry): a workflow
 * definition, or task definitions. Told apart by shape: a list holds task definitions; an object
 * is a task definition when it has no `tasks` and a field only a TaskDef has (`retryCount`,
 * `responseTimeoutSeconds`…), and a workflow definition otherwise. Throws DefinitionSyntaxError
 * for malformed text and one DefinitionError listing every issue.
 *
 * @example
 * const document = readDefinitionDocument(readFileSync(file, 'utf8'), { source: file });
 * if (document.kind === 'workflow') console.log(document.definition.name);
 */
export function readDefinitionDocument(text: string, options: ParseOptions = {}): DefinitionDocument {
  const data = readDefinitionText(text, options);
  if (Array.isArray(data)) return { kind: 'task', definitions: checkTaskDefs(data, options.source) };
  if (isTaskDefShaped(data)) return { kind: 'task', definitions: checkTaskDefs([data], options.source) };
  return { kind: 'workflow', definition: checkWorkflow(data, { source: options.source }) };
}

const TASK_DEF_ONLY_FIELDS = KNOWN_FIELDS.taskDef.filter((field) => !KNOWN_FIELDS.workflowDef.includes(field));

function isTaskDefShaped(data: unknown): boolean {
  return isPlainObject(data) && !('tasks' in data) && Object.keys(data).some((f) => TASK_DEF_ONLY_FIELDS.includes(f));
}

/** The workflow definition, after every check of parse.ts and validate.ts, or one DefinitionError with every issue. */
function checkWorkflow(data: unknown, options: ValidateOptions & { source?: string | undefined }): WorkflowDef {
  const issues = [...findUnknownFields(data), ...validateDefinition(data, options)];
  if (issues.length > 0) throw new DefinitionError(definitionLabel(data, options.source), issues);
  return data as WorkflowDef;
}

/**
 * The task definitions, each checked as a TaskDef; a name twice in one list is refused too (which
 * of the two would be meant?). A lone definition reads as one; in a list, paths start with `[i]`.
 */
function checkTaskDefs(list: readonly unknown[], source: string | undefined): TaskDef[] {
  const lone = list.length === 1;
  const issues: DefinitionIssue[] = [];
  const firstAt = new Map<string, string>();
  for (const [i, def] of list.entries()) {
    const path = lone ? '' : `[${i}]`;
    const name = stringField(def, 'name');
    const where = lone
      ? 'the task definition'
      : name
        ? `task definition '${name}' (${path})`
        : `the task definition at ${path}`;
    issues.push(...findUnknownFields(def, path, 'taskDef'), ...taskDefinitionIssues(def, { path, where }));
    if (name === undefined) continue;
    const first = firstAt.get(name);
    if (first === undefined) firstAt.set(name, path);
    else
      issues.push({ path, field: 'name', message: `${where} repeats the name of ${first}: register each name once` });
  }
  if (list.length === 0) issues.push({ path: '', field: '', message: 'the list holds no task definitions' });
  if (issues.length > 0) {
    const label = lone
      ? definitionLabel(list[0], source, 'task definition')
      : `the list of task definitions${source ? ` (${source})` : ''}`;
    throw new DefinitionError(label, issues);
  }
  return list as TaskDef[];
}

function toNew(kind: DefinitionKind, name: string, version: number, definition: object, at: number): NewDefinition {
  return { kind, name, version, body: JSON.stringify(definition), registeredAt: at };
}

function unchanged({ kind, name, version }: NewDefinition): Registration {
  return { kind, name, version, outcome: 'unchanged' };
}

function toRegistered<T>(record: DefinitionRecord): RegisteredDefinition<T> {
  const { name, version, registeredAt } = record;
  return { name, version, registeredAt, definition: JSON.parse(record.body) as T };
}

/** The same definition: the same text, or the same data written with its keys in another order. */
function sameDefinition(stored: DefinitionRecord, next: NewDefinition): boolean {
  return stored.body === next.body || isDeepStrictEqual(JSON.parse(stored.body), JSON.parse(next.body));
}
