/**
 * Namespaces: a token belongs to one, and a namespace sees only its own definitions, runs,
 * events, dead letters and task queues. Each namespace is a store of its own with a Tutti
 * instance on it (one SQLite file per namespace by default), so isolation holds by construction:
 * no query can reach another namespace's data, and a run id of namespace B is simply unknown to
 * a token of A (404). The cost is one engine and one store per namespace that is in use; the
 * workers (in-process, system and remote task types) are shared, as they hold no state of a run.
 */
import type { Context } from 'hono';
import { createDefinitionRegistry, type DefinitionRegistry } from '../conductor/registry.js';
import type { TaskWorkers } from '../conductor/run/workers.js';
import type { EventContract } from '../contracts/event-contract.js';
import { childLogger, type Logger } from '../core/logger.js';
import type { WorkflowDefinition } from '../core/types.js';
import type { AnyService } from '../engine/service.js';
import { createTutti, type Tutti } from '../engine/tutti.js';
import type { Store } from '../store/store.js';
import { EventHandlers } from './conductor/event-handlers.js';
import { SkipRequests } from './conductor/skip-requests.js';
import { ConductorTaskLog } from './conductor/task-log.js';
import { DefinitionsRuntime } from './definitions-runtime.js';

/** The namespace of a server without tokens, and of `tutti dev`. */
export const DEFAULT_NAMESPACE = 'default';

/** What the routes of one request work with: its namespace's engine and definitions. */
export interface NamespaceRuntime {
  readonly name: string;
  readonly tutti: Tutti;
  readonly registry: DefinitionRegistry;
  readonly definitions: DefinitionsRuntime;
  readonly taskLog: ConductorTaskLog;
  readonly eventHandlers: EventHandlers;
  /** Conductor's skip task, for the namespace's runs. */
  readonly skips: SkipRequests;
}

declare module 'hono' {
  interface ContextVariableMap {
    runtime: NamespaceRuntime;
  }
}

/** The runtime of the request's namespace, set by the server before any route runs. */
export function runtimeOf(c: Context): NamespaceRuntime {
  return c.get('runtime');
}

export interface NamespacesOptions {
  /** The store of a namespace (created when missing). */
  storeFor(namespace: string): Store;
  workers: TaskWorkers;
  /** Code-defined workflows and the services they call (e.g. remote services), in every namespace. */
  workflows: readonly WorkflowDefinition<any, any>[];
  services: readonly AnyService[];
  /** Event contracts (`startServer({ events })`): each namespace's engine registers them, so its workflows' emits are checked too. */
  events: readonly EventContract<any>[];
  logger: Logger;
}

export class Namespaces {
  private readonly open = new Map<string, Promise<NamespaceRuntime>>();

  constructor(private readonly options: NamespacesOptions) {}

  /** The namespace's runtime, opened (and its runs in flight resumed) on first use. */
  get(name: string): Promise<NamespaceRuntime> {
    let runtime = this.open.get(name);
    if (!runtime) {
      runtime = this.start(name);
      this.open.set(name, runtime);
      // A namespace that failed to open is tried again on its next request.
      runtime.catch(() => this.open.delete(name));
    }
    return runtime;
  }

  /** Ends every namespace's waiting polls and task streams (a shutdown). */
  async stopPolls(): Promise<void> {
    const runtimes = await Promise.allSettled(this.open.values());
    for (const result of runtimes) if (result.status === 'fulfilled') result.value.tutti.tasks.stopPolls();
  }

  /** Halts every namespace's engine (their runs resume on the next start) and closes the stores. */
  async close(): Promise<void> {
    const runtimes = await Promise.allSettled(this.open.values());
    for (const result of runtimes) {
      if (result.status !== 'fulfilled') continue;
      await result.value.eventHandlers.close();
      await result.value.tutti.close();
    }
  }

  private async start(name: string): Promise<NamespaceRuntime> {
    const { workers, logger } = this.options;
    const store = this.options.storeFor(name);
    const registry = createDefinitionRegistry(store);
    const taskLog = new ConductorTaskLog();
    const skips = new SkipRequests(store, taskLog);
    const definitions = new DefinitionsRuntime(registry, workers, { onTask: taskLog.record, skips: skips.lookup });
    // Built before the engine starts, so that it resumes each run with the version it started with.
    const inFlight = await definitions.inFlight(store);
    const tutti = await createTutti({
      store,
      services: [...workers.services, ...this.options.services],
      workflows: [...this.options.workflows, ...inFlight],
      events: this.options.events,
      logger: childLogger(logger, { namespace: name }),
    });
    definitions.attach((workflows) => tutti.addWorkflows(workflows));
    const eventHandlers = new EventHandlers(
      store,
      tutti,
      definitions,
      workers,
      childLogger(logger, { namespace: name }),
    );
    try {
      await eventHandlers.start();
    } catch (error) {
      await tutti.close();
      throw error;
    }
    return { name, tutti, registry, definitions, taskLog, eventHandlers, skips };
  }
}
