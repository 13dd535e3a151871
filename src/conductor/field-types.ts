/**
 * The JSON type each field of a definition must have, checked before anything reads it.
 *
 * `null` counts as absent, as it does for Conductor (Jackson reads null into any field). Numbers
 * written as strings (`"version": "1"`) are refused, although Jackson would coerce them: a
 * definition is data Tutti also shows, compares and stores, and one type per field keeps it so.
 */
import type { DefinitionIssue } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import type { ObjectKind } from './fields.js';
import { isPlainObject } from './walk.js';

type FieldType =
  | 'string'
  | 'boolean'
  | 'number'
  | 'integer'
  | 'count'
  | 'positive'
  | 'object'
  | 'list'
  | 'stringList'
  | readonly string[];

const AUDIT: Readonly<Record<string, FieldType>> = {
  ownerApp: 'string',
  createTime: 'number',
  updateTime: 'number',
  createdBy: 'string',
  updatedBy: 'string',
};

const SCHEMA_AND_META: Readonly<Record<string, FieldType>> = {
  inputSchema: 'object',
  outputSchema: 'object',
  enforceSchema: 'boolean',
  metadata: 'object',
  accessPolicy: 'object',
};

export const TASK_TIMEOUT_POLICIES = ['RETRY', 'TIME_OUT_WF', 'ALERT_ONLY'] as const;
export const WORKFLOW_TIMEOUT_POLICIES = ['TIME_OUT_WF', 'ALERT_ONLY'] as const;
export const RETRY_LOGICS = ['FIXED', 'EXPONENTIAL_BACKOFF', 'LINEAR_BACKOFF'] as const;

const FIELD_TYPES: Partial<Record<ObjectKind, Readonly<Record<string, FieldType>>>> = {
  workflowDef: {
    ...AUDIT,
    ...SCHEMA_AND_META,
    name: 'string',
    description: 'string',
    version: 'integer',
    tasks: 'list',
    inputParameters: 'stringList',
    outputParameters: 'object',
    failureWorkflow: 'string',
    failureWorkflowVersion: 'integer',
    schemaVersion: 'integer',
    restartable: 'boolean',
    workflowStatusListenerEnabled: 'boolean',
    workflowStatusListenerSink: 'string',
    ownerEmail: 'string',
    timeoutPolicy: WORKFLOW_TIMEOUT_POLICIES,
    timeoutSeconds: 'count',
    variables: 'object',
    inputTemplate: 'object',
    rateLimitConfig: 'object',
    cacheConfig: 'object',
    maskedFields: 'stringList',
  },
  workflowTask: {
    name: 'string',
    taskReferenceName: 'string',
    description: 'string',
    inputParameters: 'object',
    type: 'string',
    dynamicTaskNameParam: 'string',
    caseValueParam: 'string',
    caseExpression: 'string',
    scriptExpression: 'string',
    decisionCases: 'object',
    dynamicForkJoinTasksParam: 'string',
    dynamicForkTasksParam: 'string',
    dynamicForkTasksInputParamName: 'string',
    defaultCase: 'list',
    forkTasks: 'list',
    startDelay: 'count',
    subWorkflowParam: 'object',
    joinOn: 'stringList',
    sink: 'string',
    optional: 'boolean',
    taskDefinition: 'object',
    rateLimited: 'boolean',
    defaultExclusiveJoinTask: 'stringList',
    asyncComplete: 'boolean',
    loopCondition: 'string',
    loopOver: 'list',
    retryCount: 'count',
    evaluatorType: 'string',
    expression: 'string',
    onStateChange: 'object',
    joinStatus: 'string',
    cacheConfig: 'object',
    permissive: 'boolean',
    workflowTaskType: 'string',
  },
  taskDef: {
    ...AUDIT,
    ...SCHEMA_AND_META,
    name: 'string',
    description: 'string',
    retryCount: 'count',
    timeoutSeconds: 'count',
    totalTimeoutSeconds: 'count',
    inputKeys: 'stringList',
    outputKeys: 'stringList',
    timeoutPolicy: TASK_TIMEOUT_POLICIES,
    retryLogic: RETRY_LOGICS,
    retryDelaySeconds: 'count',
    backoffScaleFactor: 'positive',
    maxRetryDelaySeconds: 'count',
    backoffJitterMs: 'count',
    responseTimeoutSeconds: 'positive',
    concurrentExecLimit: 'count',
    inputTemplate: 'object',
    rateLimitPerFrequency: 'count',
    rateLimitFrequencyInSeconds: 'count',
    isolationGroupId: 'string',
    executionNameSpace: 'string',
    ownerEmail: 'string',
    pollTimeoutSeconds: 'count',
    baseType: 'string',
    taskStatusListenerEnabled: 'boolean',
    version: 'integer',
    runtimeMetadata: 'object',
  },
  subWorkflowParams: {
    name: 'string',
    version: 'integer',
    taskToDomain: 'object',
    workflowDefinition: 'object',
    idempotencyKey: 'string',
    idempotencyStrategy: ['FAIL', 'RETURN_EXISTING', 'FAIL_ON_RUNNING'],
  },
};

const EXPECTED: Readonly<Record<Exclude<FieldType, readonly string[]>, string>> = {
  string: 'a string',
  boolean: 'true or false',
  number: 'a number',
  integer: 'a whole number',
  count: 'a whole number, 0 or more',
  positive: 'a whole number, 1 or more',
  object: 'an object',
  list: 'a list',
  stringList: 'a list of strings',
};

function fits(value: unknown, type: FieldType): boolean {
  if (typeof type !== 'string') return typeof value === 'string' && type.includes(value);
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'count':
      return Number.isInteger(value) && (value as number) >= 0;
    case 'positive':
      return Number.isInteger(value) && (value as number) >= 1;
    case 'object':
      return isPlainObject(value);
    case 'list':
      return Array.isArray(value);
    case 'stringList':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}

/** A field's value as messages quote it, shortened. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * One issue per field of `object` whose value has the wrong type. `where` names the object
 * (`task 'x' (tasks[0])`); `path` and `ref` go into the issues.
 */
export function fieldTypeIssues(
  object: Record<string, unknown>,
  kind: ObjectKind,
  at: { path: string; where: string; taskReferenceName?: string },
): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  for (const [field, type] of Object.entries(FIELD_TYPES[kind] ?? {})) {
    const value = object[field];
    if (value === undefined || value === null || fits(value, type)) continue;
    const expected =
      typeof type === 'string'
        ? EXPECTED[type as keyof typeof EXPECTED]
        : `one of ${type.map((v) => `'${v}'`).join(', ')}`;
    const hint = typeof type !== 'string' && typeof value === 'string' ? didYouMean(value, type) : '';
    issues.push({
      path: at.path,
      ...(at.taskReferenceName === undefined ? {} : { taskReferenceName: at.taskReferenceName }),
      field,
      message: `${at.where}: '${field}' must be ${expected}, but is ${shown(value)}${hint}`,
    });
  }
  return issues;
}
