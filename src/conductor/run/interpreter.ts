/**
 * Runs a Conductor workflow definition on Tutti's engine: `conductorWorkflow(def)` is an ordinary
 * Tutti workflow (named and versioned as the definition) whose function walks the definition's
 * tasks (execution.ts). Durability, retries, recovery and traces are the engine's: a SIMPLE task
 * is a journaled step of its worker; INLINE, JSON_JQ_TRANSFORM, HTTP and the scripts of SWITCH and
 * DO_WHILE are journaled steps of the system service; a SUB_WORKFLOW is a child run; a WAIT a
 * durable sleep or a durable wait for a signal; an EVENT an emit in the run's own transaction.
 *
 * Everything that can be checked before a run is checked here, when the workflow is built, so a
 * bad definition fails its registration, naming the task, rather than a run.
 */
import { ConfigError } from '../../core/errors.js';
import type { WorkflowDefinition } from '../../core/types.js';
import { defineWorkflow } from '../../engine/workflow.js';
import type { JsonObject, TaskDef, WorkflowDef, WorkflowTask } from '../model.js';
import { TASK_TYPES } from '../model.js';
import { assertValidDefinition } from '../validate.js';
import { walkTasks } from '../walk.js';
import { sinkEventType } from './event-task.js';
import { Execution } from './execution.js';
import { stepOptions } from './task-policy.js';
import type { TaskSkipLookup } from './task-skips.js';
import type { TaskWorkers } from './workers.js';

export interface ConductorWorkflowOptions {
  /** The workers of the definition's SIMPLE tasks, and the system tasks (`defineTaskWorkers`). */
  workers: TaskWorkers;
  /** Registered task definitions (retries, timeouts), by name; a task's embedded `taskDefinition` wins. @default the workers' `taskDefs` */
  taskDefs?: Readonly<Record<string, TaskDef>>;
  /** The Tutti workflows of the definitions SUB_WORKFLOW tasks name, by `name` and version. @default none */
  subWorkflow?: (name: string, version: number | undefined) => WorkflowDefinition<JsonObject, JsonObject> | undefined;
  /**
   * Told of each task that ends (and of each DO_WHILE iteration), for progress displays. An
   * observer: it runs again for recorded tasks when a run is replayed, and must not throw.
   * @default none
   */
  onTask?: (event: TaskEvent) => void;
  /** The skips operators made of tasks of a run (Conductor's skip task; see task-skips.ts). @default none */
  skips?: TaskSkipLookup;
}

/** A task of a run ended (`status` COMPLETED, COMPLETED_WITH_ERRORS, FAILED, SKIPPED) or a loop iteration began (IN_PROGRESS). */
export interface TaskEvent {
  runId: string;
  workflow: string;
  taskReferenceName: string;
  taskType: string;
  /** The task's `name` (the worker's, for SIMPLE). */
  name: string;
  status: string;
  output: JsonObject;
  reasonForIncompletion?: string;
  /** How long the task took in this process, in ms. */
  durationMs: number;
  /** The run's journal position when the task was reached: a rerun from this task starts there. */
  position: number;
}

/**
 * The Tutti workflow that runs `def`: start it with the workflow's input object; its result is
 * the definition's `outputParameters` evaluated at the end (or a TERMINATE task's output).
 */
export function conductorWorkflow(
  def: WorkflowDef,
  options: ConductorWorkflowOptions,
): WorkflowDefinition<JsonObject, JsonObject> {
  assertValidDefinition(def);
  const check = (task: WorkflowTask, where: string) => checkTask(def, task, where, options);
  const missing: { name: string; path: string }[] = [];
  for (const site of walkTasks(def)) {
    const task = site.task as WorkflowTask;
    const where = `workflow '${def.name}': task '${task.taskReferenceName}' (${site.path})`;
    if ((task.type ?? 'SIMPLE') === 'SIMPLE' && !options.workers.stepFor(task.name)) {
      missing.push({ name: task.name, path: site.path });
      continue;
    }
    check(task, where);
  }
  if (missing.length > 0) {
    const names = [...new Set(missing.map(({ name }) => name))];
    throw new ConfigError(
      `workflow '${def.name}': no worker for ${missing.map(({ name, path }) => `task '${name}' (${path})`).join(', ')}; add ${names.length > 1 ? 'them' : 'it'} to defineTaskWorkers({ ${names.map((name) => `${name}: async (input) => …`).join(', ')} })`,
    );
  }
  if (def.failureWorkflow && !options.subWorkflow?.(def.failureWorkflow, def.failureWorkflowVersion)) {
    throw new ConfigError(
      `workflow '${def.name}': failureWorkflow '${def.failureWorkflow}' is not known; build it first and give it in conductorWorkflow(def, { subWorkflow })`,
    );
  }
  return defineWorkflow<JsonObject, JsonObject>(
    def.name,
    async (ctx, input) => new Execution(def, options, check, ctx, input ?? {}).run(),
    { version: String(def.version ?? 1) },
  );
}

/** What makes a task unrunnable, found before any run: thrown as a ConfigError naming it. */
function checkTask(def: WorkflowDef, task: WorkflowTask, where: string, options: ConductorWorkflowOptions): void {
  const type = task.type ?? 'SIMPLE';
  if (!(TASK_TYPES as readonly string[]).includes(type)) {
    throw new ConfigError(
      `${where} is of type ${type}, which Tutti does not know; use one of ${TASK_TYPES.join(', ')}`,
    );
  }
  if (type === 'SIMPLE' && !options.workers.stepFor(task.name)) {
    throw new ConfigError(
      `${where}: no worker for task '${task.name}'; add it to defineTaskWorkers({ ${task.name}: async (input) => … })`,
    );
  }
  if (type === 'EVENT') {
    const sink = sinkEventType(def, task);
    if ('problem' in sink) throw new ConfigError(`${where} ${sink.problem}`);
  }
  // Checked now, so that a bad retry policy fails the registration rather than a run.
  if (type === 'SIMPLE' || type === 'HTTP')
    stepOptions(task, task.taskDefinition ?? (options.taskDefs ?? options.workers.taskDefs)[task.name]);
}
