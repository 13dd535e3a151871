/**
 * Tutti's runs and tasks in the shapes of Conductor's REST API (its `Workflow`, `Task`,
 * `WorkflowStatus` and `ErrorResponse` models), so that Conductor's SDKs read them unchanged.
 */
import type { JsonObject } from '../../conductor/model.js';
import type { TaskEvent } from '../../conductor/run/interpreter.js';
import { describeError } from '../../core/serialize.js';
import type { ClaimedTask } from '../../engine/task-queue.js';
import type { RunInfo } from '../../engine/tutti.js';
import { errorResponse } from '../http-errors.js';

/** Conductor's workflow statuses, from a run's. */
export function workflowStatus(info: RunInfo): string {
  switch (info.status) {
    case 'completed':
      return 'COMPLETED';
    case 'cancelled':
      return 'TERMINATED';
    case 'paused':
      return 'PAUSED';
    case 'failed':
      return info.error?.error.kind === 'error' && info.error.error.name === 'WorkflowTimedOutError'
        ? 'TIMED_OUT'
        : 'FAILED';
    default:
      return 'RUNNING';
  }
}

/** Conductor's `Workflow`: the run, and the tasks this server has seen end (see ConductorTaskLog). */
export function workflowJson(info: RunInfo, tasks: readonly TaskEvent[] | undefined): JsonObject {
  const status = workflowStatus(info);
  const json: JsonObject = {
    workflowId: info.id,
    workflowName: info.workflow,
    workflowType: info.workflow,
    workflowVersion: Number(info.version) || 1,
    version: Number(info.version) || 1,
    status,
    input: (info.input ?? {}) as JsonObject,
    output: (info.output ?? {}) as JsonObject,
    createTime: info.createdAt.getTime(),
    startTime: info.createdAt.getTime(),
    updateTime: info.updatedAt.getTime(),
    parentWorkflowId: info.parentId,
    variables: {},
  };
  if (status !== 'RUNNING') json.endTime = info.updatedAt.getTime();
  if (info.error) json.reasonForIncompletion = describeError(info.error.error);
  if (tasks) json.tasks = tasks.map((task, seq) => taskEventJson(info, task, seq + 1));
  return json;
}

function taskEventJson(info: RunInfo, task: TaskEvent, seq: number): JsonObject {
  const json: JsonObject = {
    // The position makes it a place to rerun from (POST /api/workflow/{id}/rerun, reRunFromTaskId).
    taskId: `${info.id}:${task.position}:${task.taskReferenceName}`,
    taskType: task.taskType,
    taskDefName: task.name,
    referenceTaskName: task.taskReferenceName,
    status: task.status,
    outputData: task.output,
    seq,
    workflowInstanceId: info.id,
    workflowType: info.workflow,
  };
  if (task.reasonForIncompletion !== undefined) json.reasonForIncompletion = task.reasonForIncompletion;
  return json;
}

/** Conductor's `Task` as a worker polls it. */
export function polledTaskJson(task: ClaimedTask, workflowType: string | undefined, responseTimeoutSeconds: number) {
  return {
    taskId: task.id,
    taskType: task.name,
    taskDefName: task.name,
    referenceTaskName: task.name,
    status: 'IN_PROGRESS',
    inputData: JSON.parse(task.input ?? '{}') as unknown,
    outputData: {},
    workflowInstanceId: task.runId,
    workflowType,
    retryCount: task.attempt - 1,
    seq: task.position,
    pollCount: 1,
    workerId: task.workerId,
    responseTimeoutSeconds,
    callbackAfterSeconds: 0,
    scheduledTime: task.visibleAt,
    startTime: Date.now(),
    // Tutti's own, for workers that de-duplicate: the same on every attempt of this task.
    idempotencyKey: task.idempotencyKey,
  };
}

/** Conductor's `ErrorResponse`, with the status and message Tutti's error mapping gives. */
export function conductorErrorResponse(error: unknown) {
  const { status, body, unexpected, headers } = errorResponse(error);
  return {
    status,
    unexpected,
    headers,
    body: {
      status,
      code: body.error.code,
      message: body.error.message,
      instance: 'tutti',
      retryable: status >= 500 || status === 429,
      ...(body.error.issues ? { validationErrors: body.error.issues } : {}),
    },
  };
}
