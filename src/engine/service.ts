import { ConfigError } from '../core/errors.js';
import type { ServiceOptions, StepFunction, StepRef } from '../core/types.js';

/** Where a service keeps its name and options, out of the way of its step names. */
export const SERVICE_META: unique symbol = Symbol('tutti.service');

export interface ServiceMeta {
  name: string;
  options: ServiceOptions;
  steps: ReadonlyMap<string, StepRef>;
  /** Set for a service whose steps run on remote workers (remote-service.ts): the queue of each step. */
  remote?: { queue(step: string): string };
}

type Handlers = Record<string, StepFunction>;

/** A service: one StepRef per handler, named like the handler. */
export type Service<H extends Handlers = Handlers> = {
  readonly [K in keyof H]: StepRef<Parameters<H[K]>[0], Awaited<ReturnType<H[K]>>>;
} & { readonly [SERVICE_META]: ServiceMeta };

/** Any service, whatever its steps: what createTutti accepts. */
export type AnyService = { readonly [SERVICE_META]: ServiceMeta };

const NAME = /^[A-Za-z_][\w-]*$/;

/**
 * Defines a service: a name and its steps. Register it with `createTutti({ services })`.
 *
 * @example
 * const inventory = defineService('inventory', {
 *   reserve: async (order: Order) => ({ reservationId: `r-${order.id}` }),
 *   release: async (r: { reservationId: string }) => {},
 * }, { concurrency: 10 });
 */
export function defineService<H extends Handlers>(name: string, handlers: H, options: ServiceOptions = {}): Service<H> {
  if (!NAME.test(name)) {
    throw new ConfigError(
      `defineService: service name ${JSON.stringify(name)} must match ${NAME} (letters, digits, _ and -)`,
    );
  }
  const steps = new Map<string, StepRef>();
  const service: Record<string | symbol, unknown> = {};
  for (const [step, fn] of Object.entries(handlers)) {
    if (typeof fn !== 'function') {
      throw new ConfigError(`defineService('${name}'): step '${step}' must be a function (got ${typeof fn})`);
    }
    if (!NAME.test(step)) {
      throw new ConfigError(`defineService('${name}'): step name ${JSON.stringify(step)} must match ${NAME}`);
    }
    const ref: StepRef = Object.freeze({ service: name, step, name: `${name}.${step}`, fn });
    steps.set(step, ref);
    service[step] = ref;
  }
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1)) {
    throw new ConfigError(`defineService('${name}'): concurrency must be an integer >= 1 (got ${options.concurrency})`);
  }
  service[SERVICE_META] = Object.freeze({ name, options, steps });
  return Object.freeze(service) as Service<H>;
}

export function serviceMeta(service: unknown): ServiceMeta {
  const meta = (service as { [SERVICE_META]?: ServiceMeta } | null)?.[SERVICE_META];
  if (!meta) throw new ConfigError('services: every entry must come from defineService(name, handlers)');
  return meta;
}
