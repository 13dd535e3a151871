/**
 * Walking every task of a definition, nested ones included, with where each one is, and how
 * messages name tasks and definitions.
 *
 * Works on parsed but unvalidated data: any entry may have the wrong shape, so nothing here
 * trusts the types of `model.ts`. Nested lists are followed whatever the task's type (a
 * `loopOver` left on a SIMPLE task is still looked at), which is stricter than Conductor.
 */
import { childPath } from '../contracts/json-schema.js';

/** Which list of its parent a task sits in; `loopOver` lists repeat, the others run once. */
export type ListKind = 'tasks' | 'forkTasks' | 'decisionCases' | 'defaultCase' | 'loopOver';

export interface TaskSite {
  /** The entry as written: normally an object, but not checked. */
  task: unknown;
  /** `tasks[1].forkTasks[0][2]`, `tasks[3].decisionCases.big[0]`… */
  path: string;
  /** The list the task is in, and where. */
  siblings: readonly unknown[];
  index: number;
  listKind: ListKind;
  /** The task whose list this is; undefined at the top level. */
  parent: TaskSite | undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, field: string): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const found = value[field];
  return typeof found === 'string' ? found : undefined;
}

/** The task's type as Conductor reads it: `type` (or its alias `workflowTaskType`), SIMPLE when absent. */
export function taskType(task: unknown): string {
  return stringField(task, 'type') ?? stringField(task, 'workflowTaskType') ?? 'SIMPLE';
}

/** How messages name a task: `task 'encode' (tasks[0])`, by reference name, else by name. */
export function describeTask(site: Pick<TaskSite, 'task' | 'path'>): string {
  const label = stringField(site.task, 'taskReferenceName') ?? stringField(site.task, 'name');
  return label === undefined ? `the task at ${site.path}` : `task '${label}' (${site.path})`;
}

/** How an error names a definition: `workflow definition 'encode_and_deploy' v1 (encode.json)`. */
export function definitionLabel(definition: unknown, source?: string, kind = 'workflow definition'): string {
  const name = stringField(definition, 'name');
  const version = isPlainObject(definition) ? definition.version : undefined;
  const label =
    name === undefined ? `the ${kind}` : `${kind} '${name}'${typeof version === 'number' ? ` v${version}` : ''}`;
  return source === undefined ? label : `${label} (${source})`;
}

/** The nested lists of a task entry, each with its path and kind. */
export function childLists(task: unknown, path: string): { list: readonly unknown[]; path: string; kind: ListKind }[] {
  if (!isPlainObject(task)) return [];
  const lists: { list: readonly unknown[]; path: string; kind: ListKind }[] = [];
  const { decisionCases, defaultCase, forkTasks, loopOver } = task;
  if (isPlainObject(decisionCases)) {
    for (const [value, list] of Object.entries(decisionCases)) {
      if (Array.isArray(list))
        lists.push({ list, path: childPath(`${path}.decisionCases`, value), kind: 'decisionCases' });
    }
  }
  if (Array.isArray(defaultCase)) lists.push({ list: defaultCase, path: `${path}.defaultCase`, kind: 'defaultCase' });
  if (Array.isArray(forkTasks)) {
    forkTasks.forEach((branch, b) => {
      if (Array.isArray(branch)) lists.push({ list: branch, path: `${path}.forkTasks[${b}]`, kind: 'forkTasks' });
    });
  }
  if (Array.isArray(loopOver)) lists.push({ list: loopOver, path: `${path}.loopOver`, kind: 'loopOver' });
  return lists;
}

/** Every task entry in `list` and below, depth first, each before its nested tasks. */
export function* walkTaskList(
  list: readonly unknown[],
  path: string,
  kind: ListKind = 'tasks',
  parent?: TaskSite,
): Generator<TaskSite> {
  for (const [index, task] of list.entries()) {
    const site: TaskSite = { task, path: `${path}[${index}]`, siblings: list, index, listKind: kind, parent };
    yield site;
    for (const child of childLists(task, site.path)) yield* walkTaskList(child.list, child.path, child.kind, site);
  }
}

/** Every task of a definition (not of inline sub-workflow definitions, which are definitions of their own). */
export function walkTasks(definition: unknown, basePath = ''): Generator<TaskSite> {
  const tasks = isPlainObject(definition) ? definition.tasks : undefined;
  return walkTaskList(Array.isArray(tasks) ? tasks : [], basePath === '' ? 'tasks' : `${basePath}.tasks`);
}

/** The chain of sites from the top-level task down to `site`. */
export function ancestry(site: TaskSite): TaskSite[] {
  const chain: TaskSite[] = [];
  for (let at: TaskSite | undefined = site; at; at = at.parent) chain.unshift(at);
  return chain;
}
