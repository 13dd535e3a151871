/**
 * One run of a Conductor definition: the function of the Tutti workflow `conductorWorkflow`
 * builds. It walks the tasks and keeps their states (input, output, status) for expressions.
 *
 * Every decision depends only on the run's input and on journaled results (steps, children,
 * waits, `ctx.now`), so a replay after a crash takes the same path; parallel branches replay in
 * the order they ran (src/engine/turns.ts).
 */
import {
  ConfigError,
  EventWaitTimeoutError,
  NonRetryableError,
  RunCancelledError,
  RunFailedError,
  StepFailedError,
} from '../../core/errors.js';
import type { StepCallOptions, StepRef, WorkflowContext } from '../../core/types.js';
import { type ExpressionContext, evaluateParameters, type TaskState } from '../expressions.js';
import { javaToString } from '../java-text.js';
import type { JsonObject, JsonValue, TaskDef, WorkflowDef, WorkflowTask } from '../model.js';
import { loopConditionInput } from '../scripts/evaluators.js';
import { dynamicTaskName, forkedTasks } from './dynamic-tasks.js';
import { eventContract, eventPayload, sinkEventType } from './event-task.js';
import { failureInput } from './failure-input.js';
import type { ConductorWorkflowOptions } from './interpreter.js';
import { RunDeadline } from './run-deadline.js';
import { scriptTask } from './system-tasks.js';
import { stepOptions } from './task-policy.js';
import { PendingSkips } from './task-skips.js';
import { waitDeadline } from './wait-time.js';

/** A TERMINATE task ended the run with this output. */
export class Terminated {
  constructor(readonly output: JsonObject) {}
}

/** Checks a task before it runs (the build-time check, for tasks a dynamic fork decides on). */
export type TaskCheck = (task: WorkflowTask, where: string) => void;

export class Execution {
  private readonly variables: JsonObject;
  private readonly input: JsonObject;
  private readonly tasks: Record<string, TaskState> = {};
  /** The tasks each running DO_WHILE iteration has recorded, innermost loop last. */
  private readonly iterations: Record<string, JsonObject>[] = [];
  /** The iteration number of each running DO_WHILE, innermost last (Conductor's `__<n>` suffixes). */
  private readonly iterationNumbers: number[] = [];
  /** The references a JOIN after a FORK_JOIN_DYNAMIC waits on, by the fork's reference. */
  private readonly dynamicJoins = new Map<string, string[]>();
  private readonly taskDefs: Readonly<Record<string, TaskDef>>;
  /** When each task began, in this process (for onTask). */
  private readonly started = new Map<string, { at: number; position: number }>();
  private deadline!: RunDeadline;
  /** Why the run is ending: parallel branches still going start no further task (see execute). */
  private ending: unknown;
  /** Skips of tasks not reached yet (task-skips.ts); undefined when the run has none. */
  private skips: PendingSkips | undefined;

  constructor(
    private readonly def: WorkflowDef,
    private readonly options: ConductorWorkflowOptions,
    private readonly check: TaskCheck,
    private readonly ctx: WorkflowContext,
    input: JsonObject,
  ) {
    this.variables = structuredClone(def.variables ?? {}) as JsonObject;
    // Conductor's inputTemplate: default values for keys the start request lacks.
    this.input = { ...(def.inputTemplate ?? {}), ...input };
    this.taskDefs = options.taskDefs ?? options.workers.taskDefs;
  }

  async run(): Promise<JsonObject> {
    try {
      const skips = this.options.skips?.(this.ctx.runId);
      this.skips = PendingSkips.of(skips instanceof Promise ? await skips : skips);
      this.deadline = RunDeadline.start(this.def, this.ctx);
      await this.sequence(this.def.tasks);
    } catch (error) {
      this.ending = error;
      if (error instanceof Terminated) return error.output;
      if (!(error instanceof RunCancelledError)) await this.failureWorkflow(error);
      throw error;
    }
    return this.evaluate(this.def.outputParameters ?? {});
  }

  /**
   * The definition's `failureWorkflow`, run as a child (id `<run>/failure`) before the run fails,
   * with Conductor's input: the workflow's input plus `workflowId`, `reason`, `failureStatus`,
   * `failureTaskId` and `failedWorkflow`. Its own failure does not change the run's.
   */
  private async failureWorkflow(error: unknown): Promise<void> {
    const name = this.def.failureWorkflow;
    if (!name) return;
    const child = this.options.subWorkflow?.(name, this.def.failureWorkflowVersion);
    if (!child) return; // checked when the workflow was built
    const input = failureInput(error, {
      runId: this.ctx.runId,
      def: this.def,
      input: this.input,
      variables: this.variables,
      tasks: this.tasks,
    });
    try {
      await this.ctx.child(child, input, { id: `${this.ctx.runId}/failure` });
    } catch (failure) {
      if (!(failure instanceof RunFailedError)) throw failure;
    }
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
    for (const [i, task] of tasks.entries()) await this.execute(task, tasks[i - 1]);
  }

  private record(task: WorkflowTask, input: JsonObject, output: JsonObject, state: Partial<TaskState> = {}): void {
    const started = this.options.onTask && this.started.get(task.taskReferenceName);
    this.options.onTask?.({
      runId: this.ctx.runId,
      workflow: this.def.name,
      taskReferenceName: task.taskReferenceName,
      taskType: task.type ?? 'SIMPLE',
      name: task.name,
      status: state.status ?? 'COMPLETED',
      output,
      reasonForIncompletion: state.reasonForIncompletion,
      durationMs: Date.now() - (started?.at ?? Date.now()),
      position: started?.position ?? this.ctx.position(),
    });
    this.tasks[task.taskReferenceName] = {
      status: 'COMPLETED',
      ...state,
      input,
      output,
      taskType: task.type ?? 'SIMPLE',
      referenceTaskName: task.taskReferenceName,
    };
    for (const iteration of this.iterations) iteration[task.taskReferenceName] = output;
  }

  /** Runs one task; `previous` is the task before it in its list (a JOIN needs its fork). */
  private async execute(task: WorkflowTask, previous?: WorkflowTask, given?: JsonObject): Promise<void> {
    // A TERMINATE or a failure in one branch of a fork ends the run: the other branches stop at
    // their next task (a call already under way finishes; the engine waits for it).
    if (this.ending !== undefined) throw this.ending;
    // Only for onTask (durations, and where a rerun from the task starts): no decision depends on it.
    if (this.options.onTask) {
      this.started.set(task.taskReferenceName, { at: Date.now(), position: this.ctx.position() });
    }
    const skip = this.skips?.take(task.taskReferenceName, this.ctx.position());
    if (skip) return this.record(task, skip.taskInput, skip.taskOutput, { status: 'SKIPPED' });
    const left = this.deadline.check(`before task '${task.taskReferenceName}'`);
    const taskDef = task.taskDefinition ?? this.taskDefs[task.name];
    const input = { ...this.evaluate(task.inputParameters ?? {}, taskDef), ...given };
    const system = this.options.workers.system.service;
    switch (task.type ?? 'SIMPLE') {
      case 'SIMPLE':
        return this.runStep(task, input, this.workerFor(task, task.name), stepOptions(task, taskDef), left);
      case 'DYNAMIC': {
        const name = dynamicTaskName(task, input);
        const named = { ...task, name, type: 'SIMPLE' };
        this.check(named, `task '${task.taskReferenceName}' (DYNAMIC)`);
        const def = this.taskDefs[name];
        return this.runStep(named, input, this.workerFor(task, name), stepOptions(named, def), left);
      }
      case 'INLINE':
        return this.runStep(task, input, system.inline, this.systemOptions(task, taskDef), left, scriptTask(task));
      case 'JSON_JQ_TRANSFORM':
        return this.runStep(task, input, system.jq, this.systemOptions(task, taskDef), left, scriptTask(task));
      case 'HTTP':
        return this.runStep(task, input, system.http, this.systemOptions(task, taskDef), left, scriptTask(task));
      case 'SET_VARIABLE':
        Object.assign(this.variables, input);
        return this.record(task, input, {});
      case 'TERMINATE':
        return this.terminate(task, input);
      case 'SWITCH':
      case 'DECISION': {
        const selected = await this.selectCase(task, input);
        this.record(task, input, { evaluationResult: [selected] });
        return this.sequence(task.decisionCases?.[selected] ?? task.defaultCase ?? []);
      }
      case 'FORK_JOIN':
        this.record(task, input, {});
        await Promise.all((task.forkTasks ?? []).map((branch) => this.sequence(branch)));
        return;
      case 'FORK_JOIN_DYNAMIC':
        return this.dynamicFork(task, input);
      case 'JOIN':
        return this.join(task, input, previous);
      case 'DO_WHILE':
        return this.loop(task, input);
      case 'SUB_WORKFLOW':
        return this.record(task, input, await this.subWorkflow(task, input));
      case 'WAIT':
        return this.wait(task, input, left);
      case 'EVENT':
        return this.event(task, input);
      default:
        throw new ConfigError(`task '${task.taskReferenceName}': type ${task.type} is not run`);
    }
  }

  private workerFor(task: WorkflowTask, name: string): StepRef<JsonObject, JsonObject | undefined> {
    const step = this.options.workers.stepFor(name);
    if (!step) throw new NonRetryableError(`task '${task.taskReferenceName}': no worker for task '${name}'`);
    return step;
  }

  /**
   * A system task (INLINE, JSON_JQ_TRANSFORM, HTTP) retries as its task definition or its own
   * `retryCount` says; without either it runs once (a script that failed would fail again).
   */
  private systemOptions(task: WorkflowTask, taskDef: TaskDef | undefined): StepCallOptions<JsonObject> {
    return taskDef || task.retryCount !== undefined ? stepOptions(task, taskDef) : { retry: { maxAttempts: 1 } };
  }

  /**
   * Runs a task as a journaled step and records it; an optional task that failed for good is
   * recorded COMPLETED_WITH_ERRORS and the workflow carries on. `scripted`: the step takes
   * `{ task, input }` (system tasks), else the input itself (workers).
   */
  private async runStep(
    task: WorkflowTask,
    input: JsonObject,
    step: StepRef<any, any>,
    options: StepCallOptions<any>,
    left: number | undefined,
    scripted?: JsonObject | object,
  ): Promise<void> {
    // The run's deadline bounds the attempt too.
    const bounded =
      left === undefined ? options : { ...options, timeout: Math.min(Number(options.timeout ?? left), left) };
    try {
      const output = await this.ctx.step(step, scripted ? { task: scripted, input } : input, bounded);
      this.record(task, input, (output ?? {}) as JsonObject);
    } catch (error) {
      // Only a task that failed for good is the task's: a cancellation or a replay conflict is not.
      if (!(error instanceof StepFailedError)) throw error;
      if (left !== undefined) this.deadline.check(`in task '${task.taskReferenceName}'`);
      const status = task.optional ? 'COMPLETED_WITH_ERRORS' : 'FAILED';
      this.record(task, input, {}, { status, reasonForIncompletion: error.message });
      if (!task.optional) throw error;
    }
  }

  private terminate(task: WorkflowTask, input: JsonObject): never {
    const output = (input.workflowOutput ?? {}) as JsonObject;
    this.record(task, input, output);
    if (input.terminationStatus === 'COMPLETED') throw new Terminated(output);
    const reason = typeof input.terminationReason === 'string' ? input.terminationReason : 'terminated';
    throw new NonRetryableError(
      `workflow '${this.def.name}' terminated by task '${task.taskReferenceName}': ${reason}`,
    );
  }

  /**
   * The case a SWITCH or DECISION takes: `value-param` reads an input parameter here; a script
   * (`javascript`/`graaljs`, DECISION's `caseExpression`) runs in the sandbox as a journaled step.
   */
  private async selectCase(task: WorkflowTask, input: JsonObject): Promise<string> {
    const scripted =
      task.type === 'DECISION'
        ? Boolean(task.caseExpression?.trim())
        : task.evaluatorType !== undefined && task.evaluatorType !== 'value-param';
    if (scripted) {
      return this.ctx.step(this.options.workers.system.service.switchCase, { task: scriptTask(task), input });
    }
    const param = task.type === 'DECISION' ? task.caseValueParam : task.expression;
    return javaToString(param === undefined ? null : (input[param] ?? null));
  }

  private async dynamicFork(task: WorkflowTask, input: JsonObject): Promise<void> {
    const forked = forkedTasks(task, input);
    for (const { task: one } of forked) this.check(one, `task '${task.taskReferenceName}' (FORK_JOIN_DYNAMIC) forked`);
    this.dynamicJoins.set(
      task.taskReferenceName,
      forked.map(({ task: one }) => one.taskReferenceName),
    );
    this.record(task, { ...input, forkedTasks: forked.map(({ task: one }) => one.taskReferenceName) }, {});
    await Promise.all(forked.map(({ task: one, input: own }) => this.execute(one, undefined, own)));
  }

  /** JOIN: each awaited task's output by reference (the forked tasks, after a FORK_JOIN_DYNAMIC). */
  private join(task: WorkflowTask, input: JsonObject, previous: WorkflowTask | undefined): void {
    const dynamic =
      previous?.type === 'FORK_JOIN_DYNAMIC' ? this.dynamicJoins.get(previous.taskReferenceName) : undefined;
    const output: JsonObject = {};
    for (const ref of [...(task.joinOn ?? []), ...(dynamic ?? [])]) {
      output[ref] = (this.tasks[ref]?.output ?? null) as JsonValue;
    }
    this.record(task, input, output);
  }

  /**
   * DO_WHILE: runs `loopOver`, then evaluates `loopCondition` (a journaled script step) over the
   * loop's input, its output so far and the latest output of each task of the iteration.
   */
  private async loop(task: WorkflowTask, input: JsonObject): Promise<void> {
    const output: JsonObject = { iteration: 0 };
    const condition = this.options.workers.system.service.loopCondition;
    for (let iteration = 1; ; iteration++) {
      output.iteration = iteration;
      // Tasks of the loop read `${loop.output.iteration}` while it runs.
      this.record(task, input, { ...output }, { status: 'IN_PROGRESS' });
      const recorded: Record<string, JsonObject> = {};
      this.iterations.push(recorded);
      this.iterationNumbers.push(iteration);
      try {
        await this.sequence(task.loopOver ?? []);
      } finally {
        this.iterations.pop();
        this.iterationNumbers.pop();
      }
      output[String(iteration)] = recorded;
      const state = { inputParameters: input, taskReferenceName: task.taskReferenceName, loopOutput: output };
      const again = await this.ctx.step(condition, {
        task: scriptTask(task),
        input: loopConditionInput({ ...state, loopTaskOutputs: recorded }),
      });
      if (!again) break;
    }
    this.record(task, input, output);
  }

  /** WAIT: for a duration, until a time (both durable sleeps), or until signalled by its reference name. */
  private async wait(task: WorkflowTask, input: JsonObject, left: number | undefined): Promise<void> {
    const where = `while task '${task.taskReferenceName}' (WAIT) waited`;
    if (input.duration === undefined && input.until === undefined) {
      // `tutti.signal(runId, '<taskReferenceName>', output)` completes it.
      try {
        const output = await this.ctx.waitForSignal<JsonObject | undefined>(task.taskReferenceName, { timeout: left });
        // `{ $failed: output }` fails it instead (Conductor's fail_task, or a result FAILED).
        const failed = output?.$failed;
        if (failed === undefined) return this.record(task, input, output ?? {});
        const reason = `task '${task.taskReferenceName}' (WAIT) was failed: ${JSON.stringify(failed)}`;
        this.record(task, input, failed as JsonObject, { status: 'FAILED', reasonForIncompletion: reason });
        throw new NonRetryableError(reason);
      } catch (error) {
        throw error instanceof EventWaitTimeoutError ? this.deadline.timedOut(where) : error;
      }
    }
    const now = this.ctx.now();
    let deadline: number | undefined;
    try {
      deadline = waitDeadline(input, now, `task '${task.taskReferenceName}'`);
    } catch (error) {
      throw new NonRetryableError((error as Error).message, { cause: error });
    }
    if (deadline !== undefined && deadline > now) {
      if (left !== undefined && deadline - now >= left) {
        await this.ctx.sleep(left);
        throw this.deadline.timedOut(where);
      }
      await this.ctx.sleep(deadline - now);
    }
    this.record(task, input, {});
  }

  private async event(task: WorkflowTask, input: JsonObject): Promise<void> {
    const sink = sinkEventType(this.def, task);
    if ('problem' in sink) throw new NonRetryableError(`task '${task.taskReferenceName}' (EVENT) ${sink.problem}`);
    const workflow = { id: this.ctx.runId, name: this.def.name, version: this.def.version ?? 1 };
    const payload = eventPayload(input, workflow);
    const eventId = await this.ctx.emit(eventContract(sink.type), payload);
    this.record(task, input, { ...payload, event_produced: sink.type, sink: task.sink ?? null, eventId });
  }

  private async subWorkflow(task: WorkflowTask, input: JsonObject): Promise<JsonObject> {
    const { name, version } = task.subWorkflowParam ?? {};
    const child = name === undefined ? undefined : this.options.subWorkflow?.(name, version);
    if (!child) {
      throw new ConfigError(
        `task '${task.taskReferenceName}': sub-workflow '${name}' (version ${version ?? 'latest'}) is not known; give it in conductorWorkflow(def, { subWorkflow })`,
      );
    }
    // Named as Conductor names a loop's tasks (`<ref>__<iteration>`), so each iteration has its own child.
    const suffix = this.iterationNumbers.map((n) => `__${n}`).join('');
    const subWorkflowId = `${this.ctx.runId}/${task.taskReferenceName}${suffix}`;
    const output = await this.ctx.child(child, input, { id: subWorkflowId });
    return { ...output, subWorkflowId };
  }
}
