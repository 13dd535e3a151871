/**
 * Services whose steps run on remote workers: in another process, another machine, another
 * language, claiming tasks over HTTP (the server's `/v1/tasks/…` or Conductor's `/api/tasks/…`).
 * A workflow calls their steps like any other; the engine dispatches each attempt through the
 * task queue (task-queue.ts) instead of calling a function, with the same journal, retries and
 * timeouts.
 */
import { ConfigError } from '../core/errors.js';
import type { ServiceOptions, StepRef } from '../core/types.js';
import { SERVICE_META, type Service, type ServiceMeta } from './service.js';

const NAME = /^[A-Za-z_][\w-]*$/;

/** Remote workers have their own limits: a step waiting on one holds no resource here. */
const REMOTE_CONCURRENCY = 100_000;

export interface RemoteServiceOptions extends Omit<ServiceOptions, 'concurrency'> {
  /** Attempts waiting on workers at once, in this process. @default 100000 */
  concurrency?: number;
}

/** Signatures of a remote service's steps, for typed calls: `{ reserve: (order: Order) => Reservation }`. */
type Signatures = Record<string, (input: any) => unknown>;

/**
 * A service implemented elsewhere: its steps are tasks on the queue named after the service,
 * which workers of that service claim (`tutti/client`'s `serve(defineService(name, handlers))`).
 *
 * @example
 * const inventory = remoteService<{ reserve: (o: Order) => Reservation }>('inventory', ['reserve']);
 * await ctx.step(inventory.reserve, order); // runs on an inventory worker
 */
export function remoteService<S extends Signatures>(
  name: string,
  steps: readonly (keyof S & string)[],
  options: RemoteServiceOptions = {},
): Service<{ [K in keyof S]: (input: Parameters<S[K]>[0]) => Promise<Awaited<ReturnType<S[K]>>> }> {
  checkName(name, 'remoteService: service name');
  const refs = new Map<string, StepRef>();
  for (const step of steps) {
    checkName(step, `remoteService('${name}'): step name`);
    refs.set(step, stepRef(name, step));
  }
  return build(name, refs, options, () => name) as never;
}

/**
 * A remote service whose steps are not known in advance: any step name is a task type with a
 * queue of its own (Conductor's model, where workers poll by task type).
 */
export function remoteTaskTypes(name: string, options: RemoteServiceOptions = {}): DynamicRemoteService {
  checkName(name, 'remoteTaskTypes: service name');
  const refs = new LazySteps(name);
  const service = build(name, refs, options, (step) => step);
  return Object.assign(service, { step: (task: string) => refs.get(task) });
}

export type DynamicRemoteService = Service<Record<string, never>> & {
  /** The step of task type `task` (created on first use). */
  step(task: string): StepRef;
};

function build(
  name: string,
  steps: ReadonlyMap<string, StepRef>,
  options: RemoteServiceOptions,
  queue: (step: string) => string,
): Service<Record<string, never>> {
  const { concurrency = REMOTE_CONCURRENCY } = options;
  const meta: ServiceMeta = { name, options: { ...options, concurrency }, steps, remote: { queue } };
  const service: Record<string | symbol, unknown> = Object.fromEntries(steps);
  service[SERVICE_META] = Object.freeze(meta);
  return service as Service<Record<string, never>>;
}

function stepRef(service: string, step: string): StepRef {
  const fn = () => {
    throw new ConfigError(`step '${service}.${step}' runs on a remote worker; call it with ctx.step, not directly`);
  };
  return Object.freeze({ service, step, name: `${service}.${step}`, fn });
}

/** Step refs made on first use, and the same ref ever after (the registry checks identity). */
class LazySteps extends Map<string, StepRef> {
  constructor(private readonly service: string) {
    super();
  }

  override get(step: string): StepRef {
    let ref = super.get(step);
    if (!ref) {
      checkName(step, `task type`);
      ref = stepRef(this.service, step);
      this.set(step, ref);
    }
    return ref;
  }
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) {
    throw new ConfigError(`${what} ${JSON.stringify(name)} must match ${NAME} (letters, digits, _ and -)`);
  }
}
