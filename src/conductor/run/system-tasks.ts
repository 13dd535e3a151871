/**
 * Conductor's system tasks that compute or call out (INLINE, JSON_JQ_TRANSFORM, a SWITCH's or
 * DECISION's script, a DO_WHILE's `loopCondition`, HTTP), as the steps of one Tutti service. Each runs
 * as a journaled step: a replay returns the recorded result instead of running the script again
 * (a script may read the clock or `Math.random`), and the trace shows it like any other task.
 *
 * The sandbox (QuickJS) and jq each start their thread with the first script that needs it.
 */
import type { ServiceOptions, StepContext } from '../../core/types.js';
import { defineService, type Service } from '../../engine/service.js';
import type { JsonObject, WorkflowTask } from '../model.js';
import { evaluateInline, evaluateLoopCondition, evaluateSwitchCase } from '../scripts/evaluators.js';
import { createJqTransformer, type JqTransformer, type JqTransformOptions } from '../scripts/jq.js';
import { createScriptSandbox, type ScriptSandbox, type ScriptSandboxOptions } from '../scripts/sandbox.js';
import { type HttpTaskOptions, runHttpTask } from './http-task.js';

export interface SystemTaskOptions {
  /** Limits of the JavaScript sandbox (INLINE, SWITCH and DO_WHILE scripts). @default createScriptSandbox's */
  scripts?: ScriptSandboxOptions;
  /** Limits of jq (JSON_JQ_TRANSFORM). @default createJqTransformer's */
  jq?: JqTransformOptions;
  /** Defaults and limits of HTTP tasks (timeout, largest response). @default runHttpTask's */
  http?: Omit<HttpTaskOptions, 'signal'>;
  /** The system service's name (its steps are journaled as `<name>.inline` …). @default 'conductor-system' */
  service?: string;
  /** Concurrency and retries of the system steps. A script that fails is not retried: it would fail again. @default {} */
  serviceOptions?: ServiceOptions;
}

/** What a script step needs to know of its task: what the evaluators read. */
export type ScriptTask = Pick<
  WorkflowTask,
  | 'name'
  | 'taskReferenceName'
  | 'type'
  | 'evaluatorType'
  | 'expression'
  | 'caseExpression'
  | 'caseValueParam'
  | 'loopCondition'
>;

interface ScriptCall {
  task: ScriptTask;
  input: JsonObject;
}

export interface SystemTasks {
  readonly service: Service<{
    inline: (call: ScriptCall) => Promise<JsonObject>;
    jq: (call: ScriptCall) => Promise<JsonObject>;
    switchCase: (call: ScriptCall) => Promise<string>;
    loopCondition: (call: ScriptCall) => Promise<boolean>;
    http: (call: ScriptCall, ctx: StepContext) => Promise<JsonObject>;
  }>;
  /** Stops the sandbox's and jq's threads (they do not keep the process alive while idle). */
  close(): Promise<void>;
}

/** The system-task service; `defineTaskWorkers` makes one for its workers. */
export function defineSystemTasks(options: SystemTaskOptions = {}): SystemTasks {
  let sandbox: ScriptSandbox | undefined;
  let jq: JqTransformer | undefined;
  const scripts = () => {
    sandbox ??= createScriptSandbox(options.scripts);
    return sandbox;
  };
  const service = defineService(
    options.service ?? 'conductor-system',
    {
      inline: async ({ task, input }: ScriptCall) =>
        (await evaluateInline(scripts(), task.taskReferenceName, input)) as JsonObject,
      jq: async ({ task, input }: ScriptCall) => {
        jq ??= createJqTransformer(options.jq);
        const output = await jq.transform({ taskReferenceName: task.taskReferenceName, inputParameters: input });
        return output as unknown as JsonObject;
      },
      switchCase: ({ task, input }: ScriptCall) => evaluateSwitchCase(scripts(), task as WorkflowTask, input),
      loopCondition: ({ task, input }: ScriptCall) => evaluateLoopCondition(scripts(), task as WorkflowTask, input),
      // The attempt's signal stops the call when the attempt times out or the run is cancelled.
      http: ({ task, input }: ScriptCall, ctx: StepContext) =>
        runHttpTask(task.taskReferenceName, input, { ...options.http, signal: ctx.signal }),
    },
    options.serviceOptions,
  );
  return {
    service,
    async close() {
      await Promise.all([sandbox?.close(), jq?.close()]);
      sandbox = undefined;
      jq = undefined;
    },
  };
}

/** The fields of `task` a script step reads: its input, not the whole task (nested tasks included). */
export function scriptTask(task: WorkflowTask): ScriptTask {
  const { name, taskReferenceName, type, evaluatorType, expression, caseExpression, caseValueParam, loopCondition } =
    task;
  return { name, taskReferenceName, type, evaluatorType, expression, caseExpression, caseValueParam, loopCondition };
}
