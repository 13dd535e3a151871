/**
 * What a Tutti instance knows: its services (with their limits and defaults) and its workflows
 * by name and version. Built once at creation; names are checked for duplicates here.
 */
import { toMs } from '../core/duration.js';
import { ConfigError, DuplicateNameError, UnknownWorkflowError } from '../core/errors.js';
import { DEFAULT_RETRY, type RetryPolicy, resolveRetry } from '../core/retry-policy.js';
import type { StepRef, WorkflowDefinition } from '../core/types.js';
import { Limiter } from './limiter.js';
import { type AnyService, serviceMeta } from './service.js';

/** Per-service settings the engine applies to every step of the service. */
export interface ServiceRuntime {
  name: string;
  limiter: Limiter;
  retry: RetryPolicy;
  timeoutMs: number | undefined;
  steps: ReadonlyMap<string, StepRef>;
  /** Set when the service's steps run on remote workers: the task queue of each step. */
  remote: { queue(step: string): string } | undefined;
}

export const DEFAULT_SERVICE_CONCURRENCY = 100;

export class Registry {
  private readonly services = new Map<string, ServiceRuntime>();
  private readonly workflows = new Map<string, Map<string, WorkflowDefinition>>();
  private readonly latest = new Map<string, WorkflowDefinition>();

  constructor(services: readonly AnyService[], workflows: readonly WorkflowDefinition[]) {
    for (const service of services) this.addService(service);
    for (const workflow of workflows) this.addWorkflow(workflow);
  }

  service(ref: StepRef): ServiceRuntime {
    const runtime = this.services.get(ref.service);
    if (!runtime) {
      throw new ConfigError(
        `step '${ref.name}': service '${ref.service}' is not registered; add it to createTutti({ services: [...] })`,
      );
    }
    if (runtime.steps.get(ref.step) !== ref) {
      throw new ConfigError(
        `step '${ref.name}' does not belong to the registered service '${ref.service}'; pass the step of the service given to createTutti`,
      );
    }
    return runtime;
  }

  /** The workflow to start: a definition (must be registered) or a name (latest version). */
  workflowToStart(workflow: WorkflowDefinition | string): WorkflowDefinition {
    const name = typeof workflow === 'string' ? workflow : workflow.name;
    const versions = this.workflows.get(name);
    if (!versions) {
      throw new UnknownWorkflowError(
        `unknown workflow '${name}'; register it with createTutti({ workflows: [...] }) (registered: ${this.names()})`,
      );
    }
    if (typeof workflow === 'string') return this.latest.get(name) as WorkflowDefinition;
    const registered = versions.get(workflow.version);
    if (registered !== workflow) {
      throw new UnknownWorkflowError(
        `workflow '${name}' version '${workflow.version}' is not the one registered; pass the definition given to createTutti`,
      );
    }
    return registered;
  }

  /** The exact version a run started with, or undefined when this process does not have it. */
  workflowVersion(name: string, version: string): WorkflowDefinition | undefined {
    return this.workflows.get(name)?.get(version);
  }

  private names(): string {
    return [...this.workflows.keys()].map((n) => `'${n}'`).join(', ') || 'none';
  }

  private addService(service: AnyService): void {
    const meta = serviceMeta(service);
    if (this.services.has(meta.name)) {
      throw new DuplicateNameError(
        `services: two services are named '${meta.name}'; service names must be unique (rename one in defineService)`,
      );
    }
    const where = `service '${meta.name}'`;
    this.services.set(meta.name, {
      name: meta.name,
      limiter: new Limiter(meta.options.concurrency ?? DEFAULT_SERVICE_CONCURRENCY),
      retry: resolveRetry(meta.options.retry, DEFAULT_RETRY, where),
      timeoutMs: meta.options.timeout === undefined ? undefined : toMs(meta.options.timeout, `${where}.timeout`),
      steps: meta.steps,
      remote: meta.remote,
    });
  }

  /**
   * Adds workflows to a running instance (a server registering definitions). The very same
   * definition again is a no-op; another one under a registered name and version is refused.
   */
  addWorkflows(workflows: readonly WorkflowDefinition[]): void {
    for (const workflow of workflows) {
      if (this.workflows.get(workflow?.name)?.get(workflow.version) === workflow) continue;
      this.addWorkflow(workflow);
    }
  }

  private addWorkflow(workflow: WorkflowDefinition): void {
    if (!workflow || typeof workflow.fn !== 'function') {
      throw new ConfigError('workflows: every entry must come from defineWorkflow(name, fn)');
    }
    let versions = this.workflows.get(workflow.name);
    if (!versions) {
      versions = new Map();
      this.workflows.set(workflow.name, versions);
    }
    if (versions.has(workflow.version)) {
      throw new DuplicateNameError(
        `workflows: '${workflow.name}' version '${workflow.version}' is registered twice; give the new one another version`,
      );
    }
    versions.set(workflow.version, workflow);
    this.latest.set(workflow.name, workflow);
  }
}
