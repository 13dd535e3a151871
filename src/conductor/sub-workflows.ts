/**
 * SUB_WORKFLOW tasks: that the workflow they start is registered, and that starting it does not
 * lead back to the workflow being checked (which would start itself again, without end).
 *
 * A sub-workflow named by an expression (`${workflow.input.next}`) is only known at run time and
 * is not followed. Without a resolver, only a task starting this very workflow is found.
 */
import type { DefinitionIssue } from '../core/errors.js';
import type { WorkflowDef } from './model.js';
import { describeTask, isPlainObject, stringField, type TaskSite, taskType, walkTasks } from './walk.js';

type Resolve = ((name: string, version?: number) => WorkflowDef | undefined) | undefined;

interface Call {
  site: TaskSite;
  name: string;
  version: number | undefined;
}

/** The workflow a SUB_WORKFLOW task names statically, or undefined (another type, an inline or computed one). */
function callOf(site: TaskSite): Call | undefined {
  if (taskType(site.task) !== 'SUB_WORKFLOW' || !isPlainObject(site.task)) return undefined;
  const params = site.task.subWorkflowParam;
  if (!isPlainObject(params) || isPlainObject(params.workflowDefinition)) return undefined;
  const name = stringField(params, 'name');
  if (name === undefined || name.includes('${')) return undefined;
  return { site, name, version: typeof params.version === 'number' ? params.version : undefined };
}

/** The statically named sub-workflows a definition starts, its inline sub-workflow definitions' included. */
function* calls(definition: unknown, basePath = ''): Generator<Call> {
  for (const site of walkTasks(definition, basePath)) {
    const call = callOf(site);
    if (call) yield call;
    const params = isPlainObject(site.task) ? site.task.subWorkflowParam : undefined;
    if (isPlainObject(params) && isPlainObject(params.workflowDefinition)) {
      yield* calls(params.workflowDefinition, `${site.path}.subWorkflowParam.workflowDefinition`);
    }
  }
}

function label(name: string, version: number | undefined): string {
  return version === undefined ? `'${name}' (latest)` : `'${name}' v${version}`;
}

function issueAt(site: TaskSite, message: string): DefinitionIssue {
  const ref = stringField(site.task, 'taskReferenceName');
  return {
    path: site.path,
    ...(ref === undefined ? {} : { taskReferenceName: ref }),
    field: 'subWorkflowParam.name',
    message: `${describeTask(site)} ${message}`,
  };
}

/** SUB_WORKFLOW tasks among `sites` naming a workflow the resolver does not know. */
export function subWorkflowTargetIssues(sites: readonly TaskSite[], resolve: Resolve): DefinitionIssue[] {
  if (resolve === undefined) return [];
  const issues: DefinitionIssue[] = [];
  for (const call of sites.map(callOf)) {
    if (call === undefined || resolve(call.name, call.version) !== undefined) continue;
    const { site, name, version } = call;
    issues.push(
      issueAt(
        site,
        `starts workflow ${label(name, version)}, which is not registered; register it first, or fix the name`,
      ),
    );
  }
  return issues;
}

/**
 * SUB_WORKFLOW tasks through which the definition would start itself again, directly or through
 * other registered workflows, each with the chain that leads back.
 */
export function subWorkflowCycleIssues(definition: Record<string, unknown>, resolve: Resolve): DefinitionIssue[] {
  const rootName = stringField(definition, 'name');
  if (rootName === undefined) return [];
  const rootVersion = typeof definition.version === 'number' ? definition.version : 1;

  const isRoot = (name: string, version: number | undefined): boolean => {
    if (name !== rootName) return false;
    if (version !== undefined) return version === rootVersion;
    // "Latest": this definition, unless a newer version of it is registered.
    const latest = resolve?.(name);
    return latest === undefined || (latest.version ?? 1) <= rootVersion;
  };

  /** The chain of workflows from (name, version) back to the root, or undefined. */
  const leadsBack = (name: string, version: number | undefined, seen: Set<string>): string[] | undefined => {
    if (isRoot(name, version)) return [];
    const target = resolve?.(name, version);
    if (target === undefined) return undefined;
    const key = `${target.name}@${target.version ?? 1}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    for (const next of calls(target)) {
      const rest = leadsBack(next.name, next.version, seen);
      if (rest !== undefined) return [`'${target.name}' v${target.version ?? 1}`, ...rest];
    }
    return undefined;
  };

  const issues: DefinitionIssue[] = [];
  for (const { site, name, version } of calls(definition)) {
    const chain = leadsBack(name, version, new Set());
    if (chain === undefined) continue;
    const through = chain.length === 0 ? '' : `, which leads back through ${chain.join(' → ')}`;
    issues.push(
      issueAt(
        site,
        `starts workflow ${label(name, version)}${through}: that is '${rootName}' v${rootVersion} itself, so it would start itself without end; start another workflow, or repeat work with a DO_WHILE`,
      ),
    );
  }
  return issues;
}
