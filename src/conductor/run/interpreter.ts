/**
 * Runs a Conductor workflow definition on Tutti's engine: `conductorWorkflow(def)` is an ordinary
 * Tutti workflow (named and versioned as the definition) whose function walks the definition's
 * tasks. Durability, retries, recovery and traces are the engine's: a SIMPLE task is a journaled
 * step, a SUB_WORKFLOW a child run, a WAIT a durable wait for a signal. After a crash the
 * function replays from the journal and takes the same path, since every branch it takes
 * depends only on the input and on journaled results.
 *
 * Task types run so far: SIMPLE, SET_VARIABLE, TERMINATE, SWITCH/DECISION (`value-param`),
 * FORK_JOIN + JOIN, SUB_WORKFLOW, WAIT (until signalled). The others are refused when the
 * workflow is built, naming the task (see docs/conductor.md).
 */
import { ConfigError, NonRetryableError, StepFailedError } from '../../core/errors.js';
import type { WorkflowContext, WorkflowDefinition } from '../../core/types.js';
import { defineWorkflow } from '../../engine/workflow.js';
import { type ExpressionContext, evaluateParameters, type TaskState } from '../expressions.js';
import type { JsonObject, JsonValue, TaskDef, WorkflowDef, WorkflowTask } from '../model.js';
import { assertValidDefinition } from '../validate.js';
import { walkTasks } from '../walk.js';
import { stepOptions } from './task-policy.js';
import type { TaskWorkers } from './workers.js';

export interface ConductorWorkflowOptions {
  /** The workers of the definition's SIMPLE tasks. */
  workers: TaskWorkers;
  /** Registered task definitions (retries, timeouts), by name; a task's embedded `taskDefinition` wins. @default {} */
  taskDefs?: Readonly<Record<string, TaskDef>>;
  /** The Tutti workflows of the definitions SUB_WORKFLOW tasks name, by `name` and version. @default none */
  subWorkflow?: (name: string, version: number | undefined) => WorkflowDefinition<JsonObject, JsonObject> | undefined;
}

const RUNNABLE = new Set([
  'SIMPLE',
  'SET_VARIABLE',
  'TERMINATE',
  'SWITCH',
  'DECISION',
  'FORK_JOIN',
  'JOIN',
  'SUB_WORKFLOW',
  'WAIT',
]);

/**
 * The Tutti workflow that runs `def`: start it with the workflow's input object; its result is
 * the definition's `outputParameters` evaluated at the end (or a TERMINATE task's output).
 */
export function conductorWorkflow(
  def: WorkflowDef,
  options: ConductorWorkflowOptions,
): WorkflowDefinition<JsonObject, JsonObject> {
  assertValidDefinition(def);
  const sites = [...walkTasks(def)].map((site) => ({ task: site.task as WorkflowTask, path: site.path }));
  for (const { task, path } of sites) {
    const where = `workflow '${def.name}': task '${task.taskReferenceName}' (${path})`;
    if (!RUNNABLE.has(task.type ?? 'SIMPLE')) {
      throw new ConfigError(
        `${where} is of type ${task.type}, which Tutti does not run yet; runnable: ${[...RUNNABLE].join(', ')}`,
      );
    }
    if (
      task.type === 'WAIT' &&
      (task.inputParameters?.duration !== undefined || task.inputParameters?.until !== undefined)
    ) {
      throw new ConfigError(`${where}: WAIT with a duration or until is not run yet (WAIT until signalled is)`);
    }
    // Checked now, so that a bad retry policy fails the registration rather than a run.
    if ((task.type ?? 'SIMPLE') === 'SIMPLE') stepOptions(task, task.taskDefinition ?? options.taskDefs?.[task.name]);
  }
  const missing = sites.filter(
    ({ task }) => (task.type ?? 'SIMPLE') === 'SIMPLE' && !options.workers.stepFor(task.name),
  );
  if (missing.length > 0) {
    const names = [...new Set(missing.map(({ task }) => task.name))];
    throw new ConfigError(
      `workflow '${def.name}': no worker for ${missing.map(({ task, path }) => `task '${task.name}' (${path})`).join(', ')}; add ${names.length > 1 ? 'them' : 'it'} to defineTaskWorkers({ ${names.map((name) => `${name}: async (input) => …`).join(', ')} })`,
    );
  }
  return defineWorkflow<JsonObject, JsonObject>(
    def.name,
    async (ctx, input) => new Execution(def, options, ctx, input ?? {}).run(),
    { version: String(def.version ?? 1) },
  );
}

/** A TERMINATE task ended the run with this output. */
class Terminated {
  constructor(readonly output: JsonObject) {}
}

class Execution {
  private readonly variables: JsonObject;
  private readonly tasks: Record<string, TaskState> = {};

  constructor(
    private readonly def: WorkflowDef,
    private readonly options: ConductorWorkflowOptions,
    private readonly ctx: WorkflowContext,
    private readonly input: JsonObject,
  ) {
    this.variables = structuredClone(def.variables ?? {}) as JsonObject;
  }

  async run(): Promise<JsonObject> {
    try {
      await this.sequence(this.def.tasks);
    } catch (error) {
      if (error instanceof Terminated) return error.output;
      throw error;
    }
    return this.evaluate(this.def.outputParameters ?? {});
  }

  private context(): ExpressionContext {
    return {
      workflow: {
        input: this.input,
        variables: this.variables,
        workflowId: this.ctx.runId,
        workflowType: this.def.name,
        version: this.def.version ?? 1,
        status: 'RUNNING',
        schemaVersion: 2,
      },
      tasks: this.tasks,
    };
  }

  private evaluate(parameters: JsonObject, taskDef?: TaskDef): JsonObject {
    return evaluateParameters(parameters, this.context(), { inputTemplate: taskDef?.inputTemplate }) as JsonObject;
  }

  private async sequence(tasks: readonly WorkflowTask[]): Promise<void> {
    for (const task of tasks) await this.execute(task);
  }

  private async execute(task: WorkflowTask): Promise<void> {
    const taskDef = task.taskDefinition ?? this.options.taskDefs?.[task.name];
    const input = this.evaluate(task.inputParameters ?? {}, taskDef);
    const record = (output: JsonObject, state: Omit<TaskState, 'output'> = { status: 'COMPLETED' }) => {
      this.tasks[task.taskReferenceName] = {
        ...state,
        input,
        output,
        taskType: task.type ?? 'SIMPLE',
        referenceTaskName: task.taskReferenceName,
      };
    };
    switch (task.type ?? 'SIMPLE') {
      case 'SIMPLE': {
        const { output, ...state } = await this.simple(task, input, taskDef);
        return record(output as JsonObject, state);
      }
      case 'SET_VARIABLE':
        Object.assign(this.variables, input);
        return record({});
      case 'TERMINATE': {
        const output = (input.workflowOutput ?? {}) as JsonObject;
        record(output);
        if (input.terminationStatus === 'COMPLETED') throw new Terminated(output);
        const reason = typeof input.terminationReason === 'string' ? input.terminationReason : 'terminated';
        throw new NonRetryableError(
          `workflow '${this.def.name}' terminated by task '${task.taskReferenceName}': ${reason}`,
        );
      }
      case 'SWITCH':
      case 'DECISION': {
        const selected = this.selectCase(task, input);
        record({ evaluationResult: [selected] });
        return this.sequence(task.decisionCases?.[selected] ?? task.defaultCase ?? []);
      }
      case 'FORK_JOIN':
        record({});
        await Promise.all((task.forkTasks ?? []).map((branch) => this.sequence(branch)));
        return;
      case 'JOIN': {
        const output: JsonObject = {};
        for (const ref of task.joinOn ?? []) output[ref] = (this.tasks[ref]?.output ?? null) as JsonValue;
        return record(output);
      }
      case 'SUB_WORKFLOW':
        return record(await this.subWorkflow(task, input));
      case 'WAIT':
        // Until signalled: `tutti.signal(runId, '<taskReferenceName>', output)` completes it.
        return record(((await this.ctx.waitForSignal(task.taskReferenceName)) ?? {}) as JsonObject);
      default:
        throw new ConfigError(`task '${task.taskReferenceName}': type ${task.type} is not run yet`);
    }
  }

  /** Runs a SIMPLE task's worker; what it recorded (an optional task that failed for good carries on). */
  private async simple(task: WorkflowTask, input: JsonObject, taskDef: TaskDef | undefined): Promise<TaskState> {
    const step = this.options.workers.stepFor(task.name);
    if (!step) throw new ConfigError(`no worker for task '${task.name}'`);
    try {
      return { output: (await this.ctx.step(step, input, stepOptions(task, taskDef))) ?? {}, status: 'COMPLETED' };
    } catch (error) {
      // Only a task that failed for good is tolerated: a cancellation or a replay conflict is not the task's.
      if (!task.optional || !(error instanceof StepFailedError)) throw error;
      return { output: {}, status: 'COMPLETED_WITH_ERRORS', reasonForIncompletion: error.message };
    }
  }

  /** SWITCH `value-param`: the input parameter named by `expression`; DECISION: `caseValueParam`. */
  private selectCase(task: WorkflowTask, input: JsonObject): string {
    const evaluator = task.evaluatorType ?? 'value-param';
    if (task.type === 'SWITCH' && evaluator !== 'value-param') {
      throw new ConfigError(`task '${task.taskReferenceName}': evaluatorType '${evaluator}' is not run yet`);
    }
    const param = task.type === 'DECISION' ? task.caseValueParam : task.expression;
    const value = param === undefined ? null : input[param];
    return value === null || value === undefined
      ? 'null'
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  }

  private async subWorkflow(task: WorkflowTask, input: JsonObject): Promise<JsonObject> {
    const { name, version } = task.subWorkflowParam ?? {};
    const child = name === undefined ? undefined : this.options.subWorkflow?.(name, version);
    if (!child) {
      throw new ConfigError(
        `task '${task.taskReferenceName}': sub-workflow '${name}' (version ${version ?? 'latest'}) is not known; give it in conductorWorkflow(def, { subWorkflow })`,
      );
    }
    return this.ctx.child(child, input);
  }
}
