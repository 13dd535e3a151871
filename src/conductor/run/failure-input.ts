/**
 * The input of a definition's `failureWorkflow`, as Conductor's WorkflowExecutor builds it: the
 * failed workflow's input plus `workflowId`, `reason`, `failureStatus`, `failureTaskId` and
 * `failedWorkflow` (here a summary: id, type, version, status, input, reason, variables and each
 * task's reference, type, status and output).
 */
import type { TaskState } from '../expressions.js';
import type { JsonObject, JsonValue, WorkflowDef } from '../model.js';
import { WorkflowTimedOutError } from './run-deadline.js';

export interface FailedRun {
  runId: string;
  def: WorkflowDef;
  input: JsonObject;
  variables: JsonObject;
  tasks: Readonly<Record<string, TaskState>>;
}

export function failureInput(error: unknown, run: FailedRun): JsonObject {
  const reason = error instanceof Error ? error.message : String(error);
  const states = Object.values(run.tasks);
  const failed = states.findLast((task) => task.status === 'FAILED' || task.status === 'IN_PROGRESS');
  const tasks = states.map(({ referenceTaskName, taskType, status, output }) => ({
    referenceTaskName: referenceTaskName ?? null,
    taskType: taskType ?? null,
    status: status ?? null,
    output: (output ?? null) as JsonValue,
  }));
  return {
    ...run.input,
    workflowId: run.runId,
    reason,
    failureStatus: error instanceof WorkflowTimedOutError ? 'TIMED_OUT' : 'FAILED',
    failureTaskId: failed?.referenceTaskName ?? null,
    failedWorkflow: {
      workflowId: run.runId,
      workflowType: run.def.name,
      version: run.def.version ?? 1,
      status: 'FAILED',
      input: run.input,
      reasonForIncompletion: reason,
      variables: run.variables,
      tasks,
    },
  };
}
