/**
 * The Tutti workflows of registered definitions: a workflow definition from the registry, with the
 * registered definitions its SUB_WORKFLOW tasks and `failureWorkflow` name (built first, at the
 * versions named, else the latest) and the registered task definitions. What `tutti run` runs,
 * and what a server resumes after a restart.
 */
import { UnknownWorkflowError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import type { WorkflowDefinition } from '../../core/types.js';
import type { JsonObject, TaskDef, WorkflowDef, WorkflowTask } from '../model.js';
import type { DefinitionRegistry } from '../registry.js';
import { walkTasks } from '../walk.js';
import { type ConductorWorkflowOptions, conductorWorkflow } from './interpreter.js';

type Built = WorkflowDefinition<JsonObject, JsonObject>;

export interface RegisteredWorkflows {
  /** The workflow asked for. */
  workflow: Built;
  /** It and every workflow it may start: give them all to `createTutti({ workflows })`. */
  workflows: Built[];
  /** The registered task definitions, by name. */
  taskDefs: Record<string, TaskDef>;
}

/**
 * Builds registered workflow `name` (its highest version unless `version` is given) and the
 * workflows it starts, with `options` (workers, onTask) for each.
 * @example
 * const { workflows } = await registeredWorkflows(createDefinitionRegistry(store), 'media_pipeline', { workers });
 */
export async function registeredWorkflows(
  registry: DefinitionRegistry,
  name: string,
  options: Omit<ConductorWorkflowOptions, 'subWorkflow' | 'taskDefs'>,
  version?: number,
  /** Workflows built before, by `<name>@<version>`: reused (an engine takes one object per name and version), and new ones added. */
  cache: Map<string, Built> = new Map(),
): Promise<RegisteredWorkflows> {
  const taskDefs = await registeredTaskDefs(registry);
  const built = new Map<string, Built>();
  const key = (n: string, v: number | undefined) => `${n}@${v ?? 'latest'}`;

  const build = async (wanted: string, wantedVersion: number | undefined, chain: string[]): Promise<Built> => {
    const done = built.get(key(wanted, wantedVersion));
    if (done) return done;
    const registered = await registry.getWorkflow(wanted, wantedVersion);
    if (!registered) {
      const via = chain.length > 0 ? ` (started by ${chain.join(' → ')})` : '';
      const names = (await registry.listWorkflows()).map((w) => w.name);
      const hint = registered === undefined && !names.includes(wanted) ? didYouMean(wanted, names) : '';
      throw new UnknownWorkflowError(
        `workflow definition '${wanted}'${wantedVersion === undefined ? '' : ` v${wantedVersion}`} is not registered${via}${hint}; register it with \`tutti defs register <file>\``,
      );
    }
    const def: WorkflowDef = registered.definition;
    const cached = cache.get(`${def.name}@${def.version ?? 1}`);
    if (cached) {
      built.set(key(wanted, wantedVersion), cached);
      return cached;
    }
    // Registration refuses cycles, so this recursion ends.
    for (const [child, childVersion] of startedBy(def)) await build(child, childVersion, [...chain, wanted]);
    const workflow = conductorWorkflow(def, {
      ...options,
      taskDefs,
      subWorkflow: (child, childVersion) => built.get(key(child, childVersion)),
    });
    built.set(key(wanted, wantedVersion), workflow);
    built.set(key(wanted, def.version ?? 1), workflow);
    cache.set(`${def.name}@${def.version ?? 1}`, workflow);
    return workflow;
  };

  const workflow = await build(name, version, []);
  return { workflow, workflows: [...new Set(built.values())], taskDefs };
}

/** The registered task definitions, by name: what `defineTaskWorkers(…, { taskDefs })` takes. */
export async function registeredTaskDefs(registry: DefinitionRegistry): Promise<Record<string, TaskDef>> {
  return Object.fromEntries(
    (await registry.listTaskDefs()).map((registered) => [registered.name, registered.definition]),
  );
}

/** The workflows a definition names literally: SUB_WORKFLOW tasks and `failureWorkflow`. */
function startedBy(def: WorkflowDef): [string, number | undefined][] {
  const named: [string, number | undefined][] = [];
  for (const site of walkTasks(def)) {
    const task = site.task as WorkflowTask;
    const params = task.subWorkflowParam as { name?: unknown; version?: unknown } | undefined;
    if (task.type === 'SUB_WORKFLOW' && typeof params?.name === 'string' && !params.name.includes('${')) {
      named.push([params.name, typeof params.version === 'number' ? params.version : undefined]);
    }
  }
  if (def.failureWorkflow) named.push([def.failureWorkflow, def.failureWorkflowVersion]);
  return named;
}
