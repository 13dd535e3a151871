/**
 * `--workers <module>` of `tutti run` and `tutti server`: a JavaScript module whose default export
 * (or `workers` export) is `defineTaskWorkers(…)` or a plain object of worker functions by task name.
 */
import type { TaskDef } from '../conductor/model.js';
import { defineTaskWorkers, type TaskWorker, type TaskWorkers } from '../conductor/run/workers.js';
import { ConfigError } from '../core/errors.js';
import { importModule } from './common.js';

/**
 * The module's workers: a TaskWorkers as it is, a plain object of functions made into one (with
 * `remote`, tasks without a function here go to remote workers: `tutti server`).
 */
export async function loadWorkers(
  module: string | undefined,
  taskDefs: Record<string, TaskDef>,
  options: { remote?: boolean } = {},
): Promise<TaskWorkers> {
  if (module === undefined) return defineTaskWorkers({}, { taskDefs, remote: options.remote });
  const loaded = await importModule('--workers', module);
  const exported = (loaded.default ?? loaded.workers) as unknown;
  if (isTaskWorkers(exported)) return exported;
  const functions = typeof exported === 'object' && exported !== null ? Object.entries(exported) : [];
  if (functions.length === 0 || functions.some(([, fn]) => typeof fn !== 'function')) {
    throw new ConfigError(
      `--workers: '${module}' must export (as default or as 'workers') defineTaskWorkers({…}) or an object of worker functions by task name`,
    );
  }
  return defineTaskWorkers(Object.fromEntries(functions) as Record<string, TaskWorker>, {
    taskDefs,
    remote: options.remote,
  });
}

const isTaskWorkers = (value: unknown): value is TaskWorkers =>
  typeof value === 'object' && value !== null && typeof (value as TaskWorkers).stepFor === 'function';
