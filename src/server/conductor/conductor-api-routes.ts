/**
 * The routes of the Conductor-compatible API (`/api/…`) as the OpenAPI document describes them;
 * see ../api-routes.ts for the table's shape and the native routes.
 */
import { type ApiRoute, route } from '../api-routes.js';
import { TaskDef, TaskDefList, WorkflowDef, WorkflowDefList } from '../schemas.js';
import {
  EventHandler,
  ExecuteWorkflowRequest,
  GenerateTokenRequest,
  RerunWorkflowRequest,
  SkipTaskRequest,
  StartWorkflowRequest,
  TaskResult,
  WorkflowInput,
} from './conductor-schemas.js';

export const CONDUCTOR_ROUTES: readonly ApiRoute[] = [
  route(
    'POST',
    '/api/token',
    'conductor: token',
    'Trade a key id and secret for a token (only when tokens are on)',
    '`{ token }`',
    {
      body: GenerateTokenRequest,
      public: true,
    },
  ),

  route('POST', '/api/metadata/workflow', 'conductor: metadata', 'Register a workflow definition', 'empty', {
    body: WorkflowDef,
    query: { overwrite: '`true` replaces a changed definition under a registered version (else 409)' },
  }),
  route(
    'PUT',
    '/api/metadata/workflow',
    'conductor: metadata',
    'Register or replace workflow definitions',
    '`{ bulkErrorResults, bulkSuccessfulResults }`',
    {
      body: WorkflowDefList,
    },
  ),
  route('GET', '/api/metadata/workflow', 'conductor: metadata', 'List workflow definitions', 'the definitions', {
    query: { name: 'only the versions of this workflow' },
  }),
  route('GET', '/api/metadata/workflow/:name', 'conductor: metadata', 'Get a workflow definition', 'the definition', {
    query: { version: 'the version (the highest by default)' },
  }),
  route('POST', '/api/metadata/taskdefs', 'conductor: metadata', 'Register task definitions', 'empty', {
    body: TaskDefList,
  }),
  route('PUT', '/api/metadata/taskdefs', 'conductor: metadata', 'Replace a task definition', 'empty', {
    body: TaskDef,
  }),
  route('GET', '/api/metadata/taskdefs', 'conductor: metadata', 'List task definitions', 'the definitions'),
  route('GET', '/api/metadata/taskdefs/:name', 'conductor: metadata', 'Get a task definition', 'the definition'),

  route('POST', '/api/workflow', 'conductor: workflow', 'Start a workflow', 'its id, as text', {
    body: StartWorkflowRequest,
  }),
  route(
    'POST',
    '/api/workflow/execute/:name/:version',
    'conductor: workflow',
    'Start a workflow and wait for it',
    'the workflow, finished or not',
    {
      body: ExecuteWorkflowRequest,
      query: { waitForSeconds: 'how long to wait, at most 60 (10 by default)', requestId: 'echoed back' },
    },
  ),
  route(
    'POST',
    '/api/workflow/:name',
    'conductor: workflow',
    'Start a workflow, the body its input',
    'its id, as text',
    {
      body: WorkflowInput,
      query: { version: 'the version (the highest by default)' },
    },
  ),
  route(
    'GET',
    '/api/workflow/running/:name',
    'conductor: workflow',
    'Ids of the running workflows of a definition',
    'the ids',
    {
      query: { version: 'only this version' },
    },
  ),
  route('GET', '/api/workflow/:id', 'conductor: workflow', 'Get a workflow', "Conductor's Workflow", {
    query: { includeTasks: '`false` leaves the tasks out' },
  }),
  route(
    'GET',
    '/api/workflow/:id/status',
    'conductor: workflow',
    "Get a workflow's status",
    '`{ workflowId, status }`',
    {
      query: { includeOutput: '`true` adds the output', includeVariables: '`true` adds the variables' },
    },
  ),
  route('DELETE', '/api/workflow/:id', 'conductor: workflow', 'Terminate a workflow', 'empty', {
    query: { reason: 'why' },
  }),
  route('PUT', '/api/workflow/:id/pause', 'conductor: workflow', 'Pause a workflow', 'empty'),
  route('PUT', '/api/workflow/:id/resume', 'conductor: workflow', 'Resume a workflow', 'empty'),
  route('POST', '/api/workflow/:id/retry', 'conductor: workflow', 'Retry a workflow from its failed task', 'empty'),
  route('POST', '/api/workflow/:id/restart', 'conductor: workflow', 'Restart a workflow from the start', 'empty'),
  route(
    'POST',
    '/api/workflow/:id/rerun',
    'conductor: workflow',
    'Rerun a finished workflow from the start or from a task',
    'its id, as text',
    {
      body: RerunWorkflowRequest,
    },
  ),

  route(
    'PUT',
    '/api/workflow/:id/skiptask/:ref',
    'conductor: workflow',
    'Skip a task the workflow has not reached',
    'empty',
    {
      query: {
        taskInput: 'what the skipped task shows as its input, as JSON text (the body wins)',
        taskOutput: 'the output the tasks after it read, as JSON text (the body wins)',
      },
      body: SkipTaskRequest,
    },
  ),

  route(
    'GET',
    '/api/tasks/poll/batch/:type',
    'conductor: tasks',
    'Poll tasks of a type',
    'the tasks (`[]` when none)',
    {
      query: {
        workerid: "the worker's id",
        count: 'the most tasks, 1 to 1000',
        timeout: 'the long-poll, in ms (at most 30000)',
      },
    },
  ),
  route('GET', '/api/tasks/poll/:type', 'conductor: tasks', 'Poll one task of a type', 'the task; 204 when none', {
    query: { workerid: "the worker's id" },
  }),
  route('POST', '/api/tasks', 'conductor: tasks', "Report a task's result", 'the task id, as text', {
    body: TaskResult,
  }),
  route(
    'POST',
    '/api/tasks/update-v2',
    'conductor: tasks',
    "Report a task's result and poll the next",
    'the next task of its type, or empty',
    {
      body: TaskResult,
    },
  ),
  route('GET', '/api/tasks/:taskId', 'conductor: tasks', 'Get a task that waits or runs', 'the task'),

  route('POST', '/api/event', 'conductor: events', 'Add an event handler', 'empty', { body: EventHandler }),
  route('PUT', '/api/event', 'conductor: events', 'Update an event handler', 'empty', { body: EventHandler }),
  route('GET', '/api/event', 'conductor: events', 'List event handlers', 'the handlers'),
  route('GET', '/api/event/:event', 'conductor: events', 'The event handlers of an event', 'the handlers', {
    query: { activeOnly: '`false` includes inactive handlers' },
  }),
  route('DELETE', '/api/event/:name', 'conductor: events', 'Remove an event handler (kept inactive)', 'empty'),
];
