/**
 * The workers of a Conductor definition's tasks, in-process: yours for SIMPLE tasks (one Tutti
 * service whose steps are named after the task names, so `{ "name": "encode", "type": "SIMPLE" }`
 * runs the `encode` step with the engine's journal, retries, timeouts and concurrency limits) and
 * Tutti's for the system tasks that compute (system-tasks.ts). With `remote: true`, a SIMPLE task
 * that has no worker here runs on remote workers that poll for its task type over HTTP, as
 * Conductor's SDKs do (the server's `/api/tasks/poll/…`).
 */
import { ConfigError } from '../../core/errors.js';
import type { ServiceOptions, StepContext, StepRef } from '../../core/types.js';
import { remoteTaskTypes } from '../../engine/remote-service.js';
import { type AnyService, defineService, type Service } from '../../engine/service.js';
import type { JsonObject, TaskDef } from '../model.js';
import { defineSystemTasks, type SystemTaskOptions, type SystemTasks } from './system-tasks.js';
import { limitWorker } from './task-limits.js';

/** The service of SIMPLE tasks run by remote workers: its steps are named after the task types. */
export const REMOTE_SERVICE = 'conductor-remote';

/** A worker: the task's evaluated `inputParameters` in, the task's output out. */
export type TaskWorker = (
  input: JsonObject,
  ctx: StepContext,
) => Promise<JsonObject | undefined> | JsonObject | undefined;

export interface TaskWorkersOptions extends ServiceOptions {
  /** The name of the service of your workers (steps are journaled as `<service>.<task name>`). @default 'conductor-tasks' */
  service?: string;
  /** Options of the system tasks (script limits, jq limits, HTTP defaults). @default {} */
  system?: SystemTaskOptions;
  /**
   * Task definitions by name: their `concurrentExecLimit` and rate limits bind these workers (in
   * this process), and `conductorWorkflow` takes their retries and timeouts unless given its own.
   * @default {}
   */
  taskDefs?: Readonly<Record<string, TaskDef>>;
  /**
   * Run SIMPLE tasks that have no worker here on remote workers, through the task queue (one
   * queue per task type). @default false (a task without a worker is a definition error)
   */
  remote?: boolean;
}

export interface TaskWorkers {
  /** Give them to `createTutti({ services })`: your workers' service and the system tasks'. */
  readonly services: readonly AnyService[];
  /** Your workers' service. */
  readonly service: Service<Record<string, TaskWorker>>;
  readonly system: SystemTasks;
  /** The step that runs task `name`, or undefined when no worker has that name. */
  stepFor(name: string): StepRef<JsonObject, JsonObject | undefined> | undefined;
  /** The task definitions given to defineTaskWorkers. */
  readonly taskDefs: Readonly<Record<string, TaskDef>>;
  /** The task names that have a worker. */
  readonly names: readonly string[];
  /** Stops the script sandbox's and jq's threads. */
  close(): Promise<void>;
}

/**
 * Defines the workers of SIMPLE tasks, by task name.
 * @example
 * const workers = defineTaskWorkers({ encode: async ({ fileLocation }) => ({ encodeLocation: … }) });
 * const tutti = await createTutti({ services: workers.services, workflows: [conductorWorkflow(def, { workers })] });
 */
export function defineTaskWorkers(workers: Record<string, TaskWorker>, options: TaskWorkersOptions = {}): TaskWorkers {
  const {
    service: name = 'conductor-tasks',
    system: systemOptions,
    taskDefs = {},
    remote,
    ...serviceOptions
  } = options;
  for (const task of Object.keys(workers)) {
    if (!/^[A-Za-z0-9_-]+$/.test(task)) {
      throw new ConfigError(
        `defineTaskWorkers: task name ${JSON.stringify(task)} must use letters, digits, _ and - (it names a step)`,
      );
    }
  }
  const limited = Object.fromEntries(
    Object.entries(workers).map(([task, worker]) => [task, limitWorker(task, worker, taskDefs[task])]),
  );
  const service = defineService(name, limited, serviceOptions);
  const system = defineSystemTasks(systemOptions);
  const steps = service as unknown as Record<string, StepRef<JsonObject, JsonObject | undefined>>;
  const remoteTypes = remote ? remoteTaskTypes(REMOTE_SERVICE) : undefined;
  return {
    services: remoteTypes ? [service, system.service, remoteTypes] : [service, system.service],
    service,
    system,
    taskDefs,
    names: Object.keys(workers),
    stepFor: (task) => (Object.hasOwn(workers, task) ? steps[task] : remoteTypes?.step(task)),
    close: () => system.close(),
  };
}
