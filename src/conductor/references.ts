/**
 * Checks that involve several tasks: unique reference names, `${ref…}` expressions naming tasks
 * that exist and have run by then, and FORK/JOIN pairing.
 *
 * "Has run by then" is decided on the structure alone: a task may read any task before it in
 * the same list or in an enclosing one, a task inside a fork or a switch it follows, and, within a
 * loop, any task of the loop (the previous iteration's). Reading a task that comes strictly later
 * in a plain sequence is refused: its output cannot exist yet and Conductor would read null.
 */
import { childPath } from '../contracts/json-schema.js';
import type { DefinitionIssue } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { findPlaceholders, referencedTask, unterminatedPlaceholders } from './placeholders.js';
import { ancestry, describeTask, isPlainObject, stringField, type TaskSite, taskType, walkTaskList } from './walk.js';

/** Every string in `value` with its field path (`inputParameters.http_request.uri`). */
function* stringsIn(value: unknown, field: string): Generator<{ field: string; text: string }> {
  if (typeof value === 'string') yield { field, text: value };
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* stringsIn(item, `${field}[${i}]`);
  else if (isPlainObject(value))
    for (const [k, item] of Object.entries(value)) yield* stringsIn(item, childPath(field, k));
}

/** Every expression body in `text` with the task it reads, nested expressions included. */
function* expressionRefs(
  text: string,
  environment: ReadonlySet<string>,
): Generator<{ expression: string; ref: string }> {
  for (const placeholder of findPlaceholders(text)) {
    const expression = text.slice(placeholder.start, placeholder.end);
    const ref = referencedTask(placeholder.body, environment);
    if (ref !== undefined) yield { expression, ref };
    for (const inner of expressionRefs(placeholder.body, environment)) yield inner;
  }
}

/** True when `target` comes strictly after `reader` in a list that runs once, so it has not run yet. */
function runsLater(reader: TaskSite, target: TaskSite): boolean {
  const a = ancestry(reader);
  const b = ancestry(target);
  let k = 0;
  while (k < a.length && k < b.length && a[k]!.path === b[k]!.path) k++;
  if (k === a.length || k === b.length) return false; // one contains the other
  const [x, y] = [a[k]!, b[k]!];
  return x.siblings === y.siblings && x.listKind !== 'loopOver' && y.index > x.index;
}

interface Where {
  path: string;
  owner: string;
  taskReferenceName?: string;
}

function referenceIssues(
  value: unknown,
  field: string,
  where: Where,
  reader: TaskSite | undefined,
  byRef: ReadonlyMap<string, TaskSite>,
  environment: ReadonlySet<string>,
): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const base = {
    path: where.path,
    ...(where.taskReferenceName === undefined ? {} : { taskReferenceName: where.taskReferenceName }),
  };
  for (const { field: at, text } of stringsIn(value, field)) {
    for (const index of unterminatedPlaceholders(text)) {
      issues.push({
        ...base,
        field: at,
        message: `${where.owner}: ${at} has a '\${' at character ${index + 1} with no closing '}'; close it, or write '$\${' for a literal '\${'`,
      });
    }
    for (const { expression, ref } of expressionRefs(text, environment)) {
      const target = byRef.get(ref);
      if (target === undefined) {
        const hint =
          didYouMean(ref, byRef.keys()) ||
          (/^[A-Z][A-Z0-9_]*$/.test(ref) ? `; if '${ref}' is a host value, pass it in the 'environment' option` : '');
        issues.push({
          ...base,
          field: at,
          message: `${where.owner}: ${at} reads task '${ref}' in '${expression}', but no task has that taskReferenceName${hint}`,
        });
      } else if (reader !== undefined && runsLater(reader, target)) {
        issues.push({
          ...base,
          field: at,
          message: `${where.owner}: ${at} reads ${describeTask(target)} in '${expression}', which runs after it, so its output does not exist yet; read an earlier task, or move this one after it`,
        });
      }
    }
  }
  return issues;
}

/** The reference names of every task inside a fork's branches. */
function forkMembers(fork: TaskSite): Set<string> {
  const members = new Set<string>();
  const branches = isPlainObject(fork.task) && Array.isArray(fork.task.forkTasks) ? fork.task.forkTasks : [];
  for (const branch of branches) {
    if (!Array.isArray(branch)) continue;
    for (const site of walkTaskList(branch, fork.path)) {
      const ref = stringField(site.task, 'taskReferenceName');
      if (ref !== undefined) members.add(ref);
    }
  }
  return members;
}

function forkJoinIssues(site: TaskSite, sites: readonly TaskSite[]): DefinitionIssue[] {
  const type = taskType(site.task);
  const ref = stringField(site.task, 'taskReferenceName');
  const base = { path: site.path, ...(ref === undefined ? {} : { taskReferenceName: ref }) };
  const owner = describeTask(site);
  const isFork = (task: unknown) => ['FORK_JOIN', 'FORK_JOIN_DYNAMIC'].includes(taskType(task));
  if (isFork(site.task)) {
    const next = site.siblings[site.index + 1];
    if (next === undefined || taskType(next) !== 'JOIN') {
      return [
        {
          ...base,
          field: 'type',
          message: `${owner} is a ${type} not followed by a JOIN; add a JOIN task right after it, with joinOn naming the tasks to wait for`,
        },
      ];
    }
    return [];
  }
  if (type !== 'JOIN') return [];
  const previous =
    site.index > 0 ? sites.find((s) => s.siblings === site.siblings && s.index === site.index - 1) : undefined;
  if (previous === undefined || !isFork(previous.task)) {
    return [
      {
        ...base,
        field: 'type',
        message: `${owner} is a JOIN with no FORK_JOIN right before it; put it directly after the fork it joins, or remove it`,
      },
    ];
  }
  if (taskType(previous.task) !== 'FORK_JOIN' || !isPlainObject(site.task) || !Array.isArray(site.task.joinOn))
    return [];
  const members = forkMembers(previous);
  const issues: DefinitionIssue[] = [];
  site.task.joinOn.forEach((name, i) => {
    if (typeof name !== 'string' || members.has(name)) return;
    const hint = didYouMean(name, members) || `; the fork's tasks are ${[...members].map((m) => `'${m}'`).join(', ')}`;
    issues.push({
      ...base,
      field: `joinOn[${i}]`,
      message: `${owner}: joinOn names '${name}', which is not a task of the fork ${describeTask(previous)}${hint}`,
    });
  });
  return issues;
}

/** Issues between tasks of one definition: duplicates, expression references, FORK/JOIN pairing. */
export function crossTaskIssues(
  definition: Record<string, unknown>,
  sites: readonly TaskSite[],
  environment: ReadonlySet<string>,
  basePath: string,
): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const byRef = new Map<string, TaskSite>();
  for (const site of sites) {
    const ref = stringField(site.task, 'taskReferenceName');
    if (ref === undefined) continue;
    const first = byRef.get(ref);
    if (first === undefined) {
      byRef.set(ref, site);
    } else {
      issues.push({
        path: site.path,
        taskReferenceName: ref,
        field: 'taskReferenceName',
        message: `taskReferenceName '${ref}' is used by both ${first.path} and ${site.path}; give each task its own reference name`,
      });
    }
  }
  for (const site of sites) {
    issues.push(...forkJoinIssues(site, sites));
    if (!isPlainObject(site.task)) continue;
    const ref = stringField(site.task, 'taskReferenceName');
    const where = {
      path: site.path,
      owner: describeTask(site),
      ...(ref === undefined ? {} : { taskReferenceName: ref }),
    };
    issues.push(...referenceIssues(site.task.inputParameters, 'inputParameters', where, site, byRef, environment));
  }
  const owner = basePath === '' ? 'the workflow definition' : `the workflow definition at ${basePath}`;
  const outputs = definition.outputParameters;
  issues.push(
    ...referenceIssues(outputs, 'outputParameters', { path: basePath, owner }, undefined, byRef, environment),
  );
  return issues;
}
