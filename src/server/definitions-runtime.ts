/**
 * The registered Conductor definitions as live Tutti workflows, for a server: a definition is
 * built (with the registered sub-workflows it starts) when a run of it is first asked for, and
 * added to the running Tutti instance; at start-up, the versions that have runs in flight are
 * built before the engine resumes them, so every run resumes with the version it started with.
 */
import type { JsonObject, WorkflowDef } from '../conductor/model.js';
import type { DefinitionRegistry, RegisteredDefinition } from '../conductor/registry.js';
import type { ConductorWorkflowOptions } from '../conductor/run/interpreter.js';
import { registeredWorkflows } from '../conductor/run/registered.js';
import type { TaskWorkers } from '../conductor/run/workers.js';
import type { WorkflowDefinition } from '../core/types.js';
import { type Store, UNFINISHED_STATUSES } from '../store/store.js';
import { RequestError } from './http-errors.js';

type Built = WorkflowDefinition<JsonObject, JsonObject>;

export class DefinitionsRuntime {
  private readonly built = new Map<string, Built>();
  private add: (workflows: readonly Built[]) => void = () => {};

  constructor(
    private readonly registry: DefinitionRegistry,
    private readonly workers: TaskWorkers,
    /** What every built workflow is told and asks: `onTask`, `skips`. */
    private readonly hooks: Pick<ConductorWorkflowOptions, 'onTask' | 'skips'> = {},
  ) {}

  /** Where built workflows go once the engine runs: `tutti.addWorkflows`. */
  attach(add: (workflows: readonly Built[]) => void): void {
    this.add = add;
  }

  /**
   * The workflows of the registered definitions that have runs in flight, at the versions they
   * started with: give them to createTutti so that it resumes those runs. Runs of workflows that
   * are not registered definitions are left to whoever defined them.
   */
  async inFlight(store: Store): Promise<Built[]> {
    const wanted = new Set<string>();
    let before: string | undefined;
    for (;;) {
      const page = await store.listRuns({ status: UNFINISHED_STATUSES, before, limit: 500 });
      for (const run of page) wanted.add(`${run.workflow}\u0000${run.version}`);
      if (page.length < 500) break;
      before = page.at(-1)?.id;
    }
    const workflows: Built[] = [];
    for (const key of wanted) {
      const [name, version] = key.split('\u0000') as [string, string];
      const number = Number(version);
      if (!Number.isSafeInteger(number)) continue;
      if (!(await this.registry.getWorkflow(name, number))) continue;
      workflows.push(...(await this.build(name, number)));
    }
    return [...new Set(workflows)];
  }

  /** A registered workflow definition (its highest version unless `version`), or a 404 that says how to register it. */
  async registered(name: string, version?: number): Promise<RegisteredDefinition<WorkflowDef>> {
    const found = await this.registry.getWorkflow(name, version);
    if (found) return found;
    throw new RequestError(
      'NOT_FOUND',
      `no workflow definition '${name}'${version === undefined ? '' : ` v${version}`} is registered; register it with POST /v1/definitions (or Conductor's POST /api/metadata/workflow)`,
    );
  }

  /** The workflow of registered definition `name` (its highest version unless `version`), built and added. */
  async workflow(name: string, version?: number): Promise<Built> {
    const registered = await this.registry.getWorkflow(name, version);
    const known = registered && this.built.get(`${name}@${registered.version}`);
    if (known) return known;
    return (await this.build(name, version))[0] as Built;
  }

  /** The workflow asked for first, then every workflow built for it (sub-workflows too), added to the engine. */
  private async build(name: string, version: number | undefined): Promise<Built[]> {
    const result = await registeredWorkflows(
      this.registry,
      name,
      { workers: this.workers, ...this.hooks },
      version,
      this.built,
    );
    this.add(result.workflows);
    return [result.workflow, ...result.workflows];
  }
}
