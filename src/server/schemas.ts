/**
 * The JSON request bodies of Tutti's own API (`/v1/…`), as TypeBox schemas: routes read them with
 * `readBody` (request.ts), the OpenAPI document (openapi.ts) publishes them. Tutti's bodies are
 * closed: an unknown field is refused, named, with the known ones, as a typo (`wokflow`) would
 * otherwise be dropped without a word. Each field's `description` is also the "give …" of its
 * error message, so it reads as a noun phrase.
 *
 * Conductor's bodies are in conductor/conductor-schemas.ts; CloudEvents are checked by
 * cloudevents-http.ts and only described here; workflow and task definitions are checked by the
 * registry, whose errors name the task and the field, so their schemas here are loose.
 */
import Type, { type TSchema } from 'typebox';
import { EVENT_TYPE } from '../contracts/event-contract.js';
import { requestBody } from './request.js';

/** Bounds and defaults of the worker protocol's numbers (body fields and query parameters alike). */
export const TASK_MAX = { fallback: 1, min: 1, max: 100 };
export const TASK_LEASE_MS = { fallback: 30_000, min: 1_000, max: 3_600_000 };
export const TASK_WAIT_MS = { fallback: 20_000, min: 0, max: 60_000 };

/** A closed object: an unknown field is refused, and named. */
export const closed = <P extends Record<string, TSchema>>(properties: P, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) });

export const textField = (description: string) => Type.String({ minLength: 1, description });
/** Any JSON object (an input, an output): what it holds is the workflow's business. */
export const objectField = (description: string) => Type.Object({}, { additionalProperties: true, description });
const ranged = (range: { fallback: number; min: number; max: number }, description: string) =>
  Type.Integer({ minimum: range.min, maximum: range.max, default: range.fallback, description });

// ---- runs ----------------------------------------------------------------------------------------

export const StartRun = requestBody(
  'StartRun',
  closed({
    workflow: textField('the name of a registered workflow definition'),
    version: Type.Optional(Type.Integer({ minimum: 1, description: "the definition's version" })),
    input: Type.Optional(objectField("the workflow's input")),
    id: Type.Optional(textField('the run id to use')),
  }),
);

export const CancelRun = requestBody(
  'CancelRun',
  closed({ reason: Type.Optional(textField('why the run is cancelled')) }),
  { optional: true },
);

/** pause, resume, retry: nothing to say but the run, in the path. */
export const ControlRun = requestBody('ControlRun', closed({}), { optional: true });

export const RestartRun = requestBody(
  'RestartRun',
  closed({
    input: Type.Optional(objectField('the new input (only with a restart from the start)')),
    from: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'the journal position to restart from (see `?steps=true`); the calls before it are replayed. @default 0',
      }),
    ),
  }),
  { optional: true },
);

export const Signal = requestBody(
  'Signal',
  Type.Unknown({ description: "the signal's data: any JSON, or no body at all" }),
  { optional: true },
);

// ---- definitions ---------------------------------------------------------------------------------
// Loose: the registry checks them, and its errors name the task and the field.

export const WorkflowDef = requestBody(
  'WorkflowDef',
  objectField("a Conductor workflow definition (Conductor's WorkflowDef: name, version, tasks, …)"),
);
export const TaskDef = requestBody(
  'TaskDef',
  objectField("a Conductor task definition (Conductor's TaskDef: name, retryCount, …)"),
);
export const TaskDefList = requestBody(
  'TaskDefList',
  Type.Array(TaskDef.schema, { description: 'Conductor task definitions' }),
);
export const WorkflowDefList = requestBody(
  'WorkflowDefList',
  Type.Array(WorkflowDef.schema, { description: 'Conductor workflow definitions' }),
);

export const DefinitionDocument = requestBody(
  'DefinitionDocument',
  Type.Union([WorkflowDef.schema, TaskDef.schema, TaskDefList.schema], {
    description: 'a workflow definition, a task definition, or an array of task definitions',
  }),
);

// ---- events --------------------------------------------------------------------------------------

const seq = Type.Integer({ minimum: 1, description: "a dead letter's event seq" });

export const Redrive = requestBody(
  'Redrive',
  Type.Object(
    {
      subscription: Type.Optional(textField('the subscription whose dead letters to redrive')),
      type: Type.Optional(textField('the event type of the dead letters to redrive')),
      seq: Type.Optional(Type.Union([seq, Type.Array(seq, { minItems: 1 })], { description: 'the seq or seqs' })),
    },
    {
      additionalProperties: false,
      // At least one filter, so that nobody redrives every dead letter by accident.
      minProperties: 1,
      description: 'which dead letters to redrive, e.g. {"subscription": "billing.on-order-placed"}',
    },
  ),
  { optional: true },
);

/**
 * CloudEvents, for the document only: the ingress (cloudevents-http.ts) checks them itself, so
 * that an error names the attribute as it was sent (`ce-type`, `type`, `[2].type`).
 */
const CloudEventSchema = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: textField('the event id (sending an id again publishes nothing)'),
    source: textField("who produced it, e.g. '/services/orders'"),
    type: Type.String({ pattern: EVENT_TYPE.source, description: "the event type, e.g. 'order.placed'" }),
    subject: Type.Optional(textField('what the event is about, e.g. the order id')),
    time: Type.Optional(Type.String({ format: 'date-time', description: 'RFC 3339; the time of receipt by default' })),
    datacontenttype: Type.Optional(Type.String({ description: 'application/json, or another JSON media type' })),
    dataversion: Type.Optional(Type.Integer({ minimum: 1, description: "the version of the type's contract" })),
    traceparent: Type.Optional(textField('W3C trace context')),
    correlationid: Type.Optional(textField('the conversation it belongs to (its own id by default)')),
    causationid: Type.Optional(textField('the id of the event that caused it')),
    data: Type.Optional(Type.Unknown({ description: 'the event data, as JSON' })),
  },
  { description: 'a CloudEvent 1.0; other extension attributes are dropped' },
);

export const CloudEvent = requestBody('CloudEvent', CloudEventSchema, {
  mediaType: 'application/cloudevents+json',
});
export const CloudEventBatch = requestBody(
  'CloudEventBatch',
  Type.Array(CloudEventSchema, { description: 'CloudEvents, published all or none' }),
  { mediaType: 'application/cloudevents-batch+json' },
);
export const CloudEventData = requestBody(
  'CloudEventData',
  Type.Unknown({
    description: "binary mode: the event's data, its attributes in ce-* headers (ce-specversion, ce-id, …)",
  }),
  { optional: true },
);

// ---- remote workers ------------------------------------------------------------------------------

const workerId = textField("the worker's id");
const leaseMs = Type.Optional(ranged(TASK_LEASE_MS, 'how long the worker holds a claimed task, in ms'));

export const PollTasks = requestBody(
  'PollTasks',
  closed({
    queue: textField('the queue (the remote service name)'),
    workerId,
    max: Type.Optional(ranged(TASK_MAX, 'the most tasks to claim')),
    leaseMs,
    waitMs: Type.Optional(ranged(TASK_WAIT_MS, 'how long to wait for a task when there is none, in ms')),
  }),
);

export const Heartbeat = requestBody('Heartbeat', closed({ workerId, leaseMs }));

export const ReleaseTask = requestBody('ReleaseTask', closed({ workerId }));

export const CompleteTask = requestBody(
  'CompleteTask',
  closed({ workerId, output: Type.Optional(Type.Unknown({ description: "the step's output: any JSON" })) }),
);

export const FailTask = requestBody(
  'FailTask',
  closed({
    workerId,
    error: closed(
      {
        message: textField('what went wrong'),
        code: Type.Optional(Type.String({ description: 'a stable code for the failure' })),
        retryable: Type.Optional(Type.Boolean({ description: 'false: no retry, whatever the retry policy' })),
      },
      'the error',
    ),
  }),
);
