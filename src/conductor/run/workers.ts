/**
 * In-process workers for Conductor SIMPLE tasks: one Tutti service whose steps are named after
 * the task names, so a definition's `{ "name": "encode", "type": "SIMPLE" }` runs the `encode`
 * step with the engine's journal, retries, timeouts and concurrency limits. (Remote workers,
 * polling over HTTP as Conductor's SDKs do, come with the server.)
 */
import { ConfigError } from '../../core/errors.js';
import type { ServiceOptions, StepContext, StepRef } from '../../core/types.js';
import { defineService, type Service } from '../../engine/service.js';
import type { JsonObject } from '../model.js';

/** A worker: the task's evaluated `inputParameters` in, the task's output out. */
export type TaskWorker = (
  input: JsonObject,
  ctx: StepContext,
) => Promise<JsonObject | undefined> | JsonObject | undefined;

export interface TaskWorkers {
  /** Give it to `createTutti({ services })`. */
  readonly service: Service<Record<string, TaskWorker>>;
  /** The step that runs task `name`, or undefined when no worker has that name. */
  stepFor(name: string): StepRef<JsonObject, JsonObject | undefined> | undefined;
}

/**
 * Defines the workers of SIMPLE tasks, by task name.
 * @example
 * const workers = defineTaskWorkers({ encode: async ({ fileLocation }) => ({ encodeLocation: … }) });
 * const tutti = await createTutti({ services: [workers.service], workflows: [conductorWorkflow(def, { workers })] });
 */
export function defineTaskWorkers(
  workers: Record<string, TaskWorker>,
  options: ServiceOptions & { service?: string } = {},
): TaskWorkers {
  const { service: name = 'conductor-tasks', ...serviceOptions } = options;
  for (const task of Object.keys(workers)) {
    if (!/^[A-Za-z0-9_-]+$/.test(task)) {
      throw new ConfigError(
        `defineTaskWorkers: task name ${JSON.stringify(task)} must use letters, digits, _ and - (it names a step)`,
      );
    }
  }
  const service = defineService(name, workers, serviceOptions);
  const steps = service as unknown as Record<string, StepRef<JsonObject, JsonObject | undefined>>;
  return {
    service,
    stepFor: (task) => (Object.hasOwn(workers, task) ? steps[task] : undefined),
  };
}
