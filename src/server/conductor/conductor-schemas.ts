/**
 * The JSON request bodies of the Conductor-compatible API (`/api/…`), as TypeBox schemas, with
 * Conductor's own field names. Unlike Tutti's bodies they are open: Conductor's server (Jackson)
 * ignores fields it does not know, and its clients send whatever their version of the model has.
 * Its clients also send `null` for a field they leave unset, so every optional field takes null.
 * Fields Tutti has no use for (priority, taskToDomain…) are still typed, so that a mistake in
 * them is said rather than dropped.
 */
import Type, { type TSchema } from 'typebox';
import { RequestError } from '../http-errors.js';
import { requestBody } from '../request.js';
import { objectField, textField } from '../schemas.js';

/** Conductor's task result statuses a worker may report. */
export const RESULT_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'FAILED', 'FAILED_WITH_TERMINAL_ERROR'] as const;

/** An optional field that may also be sent as null, as Conductor's clients do. */
const nullable = <S extends TSchema>(schema: S) => Type.Optional(Type.Union([schema, Type.Null()]));

/** StartWorkflowRequest's fields but `name`, which `execute` takes from the path instead. */
const startFields = {
  version: nullable(Type.Integer({ minimum: 1, description: "the definition's version" })),
  input: nullable(objectField("the workflow's input")),
  correlationId: nullable(Type.String({ description: 'a correlation id (kept by Conductor; not used by Tutti)' })),
  priority: nullable(Type.Integer({ minimum: 0, maximum: 99, description: 'the priority (not used by Tutti)' })),
  taskToDomain: nullable(
    Type.Record(Type.String(), Type.String(), { description: 'task domains (not used by Tutti)' }),
  ),
  workflowDef: nullable(
    Type.Object({}, { additionalProperties: true, description: 'an unregistered definition to run (not supported)' }),
  ),
  externalInputPayloadStoragePath: nullable(
    Type.String({ description: 'external payload storage: not supported (refused), send the input inline' }),
  ),
  idempotencyKey: nullable(
    Type.String({ description: 'starts the workflow once per key and name: another start finds the first run' }),
  ),
  idempotencyStrategy: nullable(
    Type.Enum(['FAIL', 'RETURN_EXISTING', 'FAIL_ON_RUNNING'], {
      description:
        "a start whose key has a run: 409 (FAIL, the default) or the run's id (RETURN_EXISTING); FAIL_ON_RUNNING is refused",
    }),
  ),
  createdBy: nullable(Type.String({ description: 'who starts it' })),
};

export const StartWorkflowRequest = requestBody(
  'StartWorkflowRequest',
  Type.Object(
    { name: textField('the name of a registered workflow definition'), ...startFields },
    { description: "Conductor's StartWorkflowRequest" },
  ),
);

export const ExecuteWorkflowRequest = requestBody(
  'ExecuteWorkflowRequest',
  Type.Object(
    { name: nullable(Type.String({ description: 'ignored: the name is in the path' })), ...startFields },
    { description: "Conductor's StartWorkflowRequest, the name and version in the path" },
  ),
  { optional: true },
);

export const WorkflowInput = requestBody('WorkflowInput', objectField("the workflow's input"), { optional: true });

export const RerunWorkflowRequest = requestBody(
  'RerunWorkflowRequest',
  Type.Object(
    {
      reRunFromWorkflowId: nullable(Type.String({ description: 'the workflow to rerun (the one in the path)' })),
      workflowInput: nullable(objectField('the new input')),
      reRunFromTaskId: nullable(
        Type.String({
          description: 'rerun from this task (a taskId of GET /api/workflow/{id}); from the start when absent',
        }),
      ),
      taskInput: nullable(objectField('not supported: a task reruns with the input its inputParameters give')),
      correlationId: nullable(Type.String({ description: 'not used by Tutti' })),
    },
    { description: "Conductor's RerunWorkflowRequest" },
  ),
  { optional: true },
);

export const SkipTaskRequest = requestBody(
  'SkipTaskRequest',
  Type.Object(
    {
      taskInput: nullable(objectField('what the skipped task shows as its input')),
      taskOutput: nullable(objectField('the output the tasks after it read, as if it had completed with it')),
      taskInputMessage: nullable(Type.Object({}, { additionalProperties: true, description: 'not used by Tutti' })),
      taskOutputMessage: nullable(Type.Object({}, { additionalProperties: true, description: 'not used by Tutti' })),
    },
    { description: "Conductor's SkipTaskRequest; its fields may also come in the query, as JSON text" },
  ),
  { optional: true },
);

export const TaskResult = requestBody(
  'TaskResult',
  Type.Object(
    {
      taskId: textField('the id of the polled task'),
      status: Type.Enum([...RESULT_STATUSES], { description: "the task's outcome" }),
      workflowInstanceId: nullable(Type.String({ description: "the task's workflow id" })),
      workerId: nullable(Type.String({ description: 'the worker that polled it (the one that did by default)' })),
      outputData: nullable(objectField("the task's output")),
      reasonForIncompletion: nullable(Type.String({ description: 'why it failed' })),
      callbackAfterSeconds: nullable(
        Type.Integer({ minimum: 0, description: 'IN_PROGRESS: poll the task again after this many seconds' }),
      ),
      extendLease: nullable(Type.Boolean({ description: "IN_PROGRESS: renew the task's lease" })),
      logs: nullable(Type.Array(objectField('a log line (TaskExecLog)'), { description: 'not kept by Tutti' })),
      externalOutputPayloadStoragePath: nullable(
        Type.String({ description: 'external payload storage: not supported (refused), send the output inline' }),
      ),
      subWorkflowId: nullable(Type.String({ description: 'not used by Tutti' })),
    },
    { description: "Conductor's TaskResult" },
  ),
);

export const GenerateTokenRequest = requestBody(
  'GenerateTokenRequest',
  Type.Object(
    { keyId: textField("the token's id"), keySecret: textField("the token's secret part") },
    { description: 'a token id and secret part (from `tutti tokens create`), traded for the whole token' },
  ),
);

/** Checked by event-handlers.ts, whose errors name the action and the field; loose here. */
export const EventHandler = requestBody(
  'EventHandler',
  objectField("a Conductor event handler (Conductor's EventHandler: name, event, condition?, actions, active?)"),
);

/**
 * Refuses a payload kept in external storage (Conductor's S3 payloads): Tutti has no such
 * storage, and taking the request without its payload would run the task or workflow on nothing.
 */
export function refuseExternalPayload(field: string, path: string | null | undefined, what: string): void {
  if (path === undefined || path === null || path === '') return;
  throw new RequestError(
    'REQUEST_INVALID',
    `${field}: external payload storage is not supported; send the ${what} inline (bodies up to the server's maxBodyBytes, 1 MiB by default)`,
  );
}
