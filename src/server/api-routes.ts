/**
 * Every route of the server's app, as the OpenAPI document (openapi.ts) describes it: method,
 * path, what it does, its body (the schema `readBody` checks) and its query parameters; the
 * native routes here, Conductor's in conductor/conductor-api-routes.ts. The routes themselves
 * are registered by the route files; test/server/openapi.test.ts fails when a route of the app is
 * missing here, so the document cannot fall behind the app.
 */
import type { RequestBody } from './request.js';
import {
  CancelRun,
  CloudEvent,
  CloudEventBatch,
  CloudEventData,
  CompleteTask,
  ControlRun,
  DefinitionDocument,
  FailTask,
  Heartbeat,
  PollTasks,
  Redrive,
  ReleaseTask,
  RestartRun,
  Signal,
  StartRun,
} from './schemas.js';

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** As the app registers it: hono's `:name` for a path parameter. */
  path: string;
  tag: string;
  summary: string;
  /** The answer when all goes well. */
  answer: string;
  /** @default 200 */
  status?: number;
  /** The body, or its forms by media type (CloudEvents' modes). */
  body?: RequestBody | readonly RequestBody[];
  /** Query parameters, all optional unless named in `required`: name → what it is. */
  query?: Readonly<Record<string, string>>;
  required?: readonly string[];
  /** Open to all: no token asked for. @default false */
  public?: boolean;
}

/** Tags, in the order the document lists them. */
export const TAGS = {
  health: 'Liveness, readiness and this document',
  definitions: 'Conductor-format definitions, registered in the namespace',
  runs: 'Runs of registered definitions, and their control',
  events: 'CloudEvents ingress, the event log, subscriptions, dead letters, traces',
  workers: "Tutti's worker protocol for remote services (what tutti/client speaks)",
  'conductor: metadata': "Conductor's metadata API",
  'conductor: workflow': "Conductor's workflow API",
  'conductor: tasks': "Conductor's worker protocol",
  'conductor: events': "Conductor's event handlers, on Tutti's bus",
  'conductor: token': "Conductor's token exchange",
} as const;

export type Tag = keyof typeof TAGS;
type Extra = Omit<ApiRoute, 'method' | 'path' | 'tag' | 'summary' | 'answer'>;

/** A row of the table: the five things every route has, then the rest. */
export const route = (
  method: ApiRoute['method'],
  path: string,
  tag: Tag,
  summary: string,
  answer: string,
  extra: Extra = {},
): ApiRoute => ({ method, path, tag, summary, answer, ...extra });

const limit = (max: number, fallback: number) => `page size, 1 to ${max} (${fallback} by default)`;

export const NATIVE_ROUTES: readonly ApiRoute[] = [
  route('GET', '/v1/health', 'health', 'Liveness', '`{ status: "ok" }` while the process serves', { public: true }),
  route('GET', '/v1/openapi.json', 'health', 'This OpenAPI document', 'the document', { public: true }),
  route('GET', '/v1/ready', 'health', 'Readiness', '`{ status: "ready" }` when the store answers; 503 otherwise'),

  route(
    'POST',
    '/v1/definitions',
    'definitions',
    'Register definitions',
    '201 with `registrations`; 200 when all were unchanged',
    {
      body: DefinitionDocument,
      query: { replace: '`true` replaces a changed definition under a registered version (else 409)' },
    },
  ),
  route(
    'GET',
    '/v1/definitions/workflows',
    'definitions',
    'List workflow definitions',
    '`[{ name, version, registeredAt }]`',
    {
      query: { name: 'only the versions of this workflow' },
    },
  ),
  route(
    'GET',
    '/v1/definitions/workflows/:name',
    'definitions',
    'Get a workflow definition',
    '`{ name, version, registeredAt, definition }`',
    {
      query: { version: 'the version (the highest by default)' },
    },
  ),
  route('GET', '/v1/definitions/tasks', 'definitions', 'List task definitions', 'the registered task definitions'),

  route('POST', '/v1/runs', 'runs', 'Start a run', '201 with the run; 200 when a run with that `id` exists', {
    body: StartRun,
    status: 201,
  }),
  route('GET', '/v1/runs', 'runs', 'List runs, newest first', 'the runs', {
    query: {
      status: 'run statuses, comma-separated',
      workflow: 'only runs of this workflow',
      before: 'the last id of the previous page',
      limit: limit(1000, 50),
    },
  }),
  route('GET', '/v1/runs/:id', 'runs', 'Get a run', 'the run', { query: { steps: '`true` adds its journal' } }),
  route('POST', '/v1/runs/:id/cancel', 'runs', 'Cancel a run (compensations run)', 'the run', {
    body: CancelRun,
    status: 202,
  }),
  route('POST', '/v1/runs/:id/pause', 'runs', 'Pause a run in flight', 'the run', { body: ControlRun, status: 202 }),
  route('POST', '/v1/runs/:id/resume', 'runs', 'Resume a paused run', 'the run', { body: ControlRun, status: 202 }),
  route('POST', '/v1/runs/:id/retry', 'runs', 'Retry a failed or cancelled run from its last failed call', 'the run', {
    body: ControlRun,
    status: 202,
  }),
  route('POST', '/v1/runs/:id/restart', 'runs', 'Run a finished run again from the start', 'the run', {
    body: RestartRun,
    status: 202,
  }),
  route('POST', '/v1/runs/:id/signals/:name', 'runs', 'Signal a run', '`{ signal, eventId }`', {
    body: Signal,
    status: 202,
  }),

  route(
    'POST',
    '/v1/events',
    'events',
    'Publish CloudEvents (binary, structured or batch mode)',
    '`{ published: [{ id, seq, duplicate? }] }`',
    {
      body: [CloudEventData, CloudEvent, CloudEventBatch],
      status: 202,
    },
  ),
  route('GET', '/v1/events', 'events', 'Read the event log in order', 'events, each with its `seq`', {
    query: {
      type: 'event types, comma-separated',
      after: 'the last seq of the previous page',
      limit: limit(1000, 100),
    },
  }),
  route(
    'GET',
    '/v1/subscriptions',
    'events',
    'List durable subscriptions',
    'subscriptions with their lag and dead letters',
  ),
  route('GET', '/v1/dead-letters', 'events', 'List dead letters', 'dead letters, oldest event first', {
    query: { subscription: 'only this subscription', type: 'only this event type', limit: limit(1000, 50) },
  }),
  route('POST', '/v1/dead-letters/redrive', 'events', 'Redrive dead letters', '`{ redriven: n }`', { body: Redrive }),
  route(
    'GET',
    '/v1/traces/:correlationId',
    'events',
    'The events of one conversation',
    'events in log order; 404 when none',
  ),

  route('POST', '/v1/tasks/poll', 'workers', 'Claim tasks (long-poll)', 'the claimed tasks', { body: PollTasks }),
  route(
    'GET',
    '/v1/tasks/stream',
    'workers',
    'Be pushed tasks (Server-Sent Events)',
    '`text/event-stream`: `task` and `ping` events',
    {
      query: {
        queue: 'the queue',
        workerId: "the worker's id",
        max: 'the most tasks held at once',
        leaseMs: 'the lease, in ms',
      },
      required: ['queue', 'workerId'],
    },
  ),
  route('POST', '/v1/tasks/:id/heartbeat', 'workers', "Extend a task's lease", '`{ leaseExpiresAt }`', {
    body: Heartbeat,
  }),
  route('POST', '/v1/tasks/:id/complete', 'workers', 'Report a task done', '`{ accepted: true }`', {
    body: CompleteTask,
  }),
  route('POST', '/v1/tasks/:id/fail', 'workers', 'Report a task failed', '`{ accepted: true }`', { body: FailTask }),
  route('POST', '/v1/tasks/:id/release', 'workers', 'Hand back a task not started', 'no body', {
    status: 204,
    body: ReleaseTask,
  }),
];
