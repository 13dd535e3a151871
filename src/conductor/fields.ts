/**
 * The field names each object of a definition may carry, for refusing unknown (mistyped) fields.
 *
 * The lists are the union of what Conductor's Java classes read and write across the versions in
 * use (conductor-oss and the Orkes OpenAPI models): a definition exported from a Conductor server
 * carries defaulted fields such as `startDelay: 0` or `permissive: false`, and must parse as is.
 * Each list is checked against its interface in `model.ts` in both directions, so adding a field to
 * the model without listing it here (or the reverse) does not compile.
 */
import type {
  CacheConfig,
  RateLimitConfig,
  SchemaDef,
  StateChangeEvent,
  SubWorkflowParams,
  TaskDef,
  WorkflowDef,
  WorkflowTask,
} from './model.js';

/**
 * Returns `list`, which must name exactly the keys of `T`: an extra name fails the first argument,
 * a missing one leaves a required argument `missing` unfilled, and the compiler names it.
 */
function fieldsOf<T>() {
  return <const L extends readonly (keyof T & string)[]>(
    list: L,
    ..._exhaustive: Exclude<keyof T, L[number]> extends never ? [] : [missing: Exclude<keyof T, L[number]>]
  ): readonly string[] => list;
}

const AUDIT_FIELDS = ['ownerApp', 'createTime', 'updateTime', 'createdBy', 'updatedBy'] as const;

const workflowDefFields = fieldsOf<WorkflowDef>()([
  ...AUDIT_FIELDS,
  'name',
  'description',
  'version',
  'tasks',
  'inputParameters',
  'outputParameters',
  'failureWorkflow',
  'failureWorkflowVersion',
  'schemaVersion',
  'restartable',
  'workflowStatusListenerEnabled',
  'workflowStatusListenerSink',
  'ownerEmail',
  'timeoutPolicy',
  'timeoutSeconds',
  'variables',
  'inputTemplate',
  'rateLimitConfig',
  'inputSchema',
  'outputSchema',
  'enforceSchema',
  'metadata',
  'cacheConfig',
  'maskedFields',
  'accessPolicy',
]);

const workflowTaskFields = fieldsOf<WorkflowTask>()([
  'name',
  'taskReferenceName',
  'description',
  'inputParameters',
  'type',
  'dynamicTaskNameParam',
  'caseValueParam',
  'caseExpression',
  'scriptExpression',
  'decisionCases',
  'dynamicForkJoinTasksParam',
  'dynamicForkTasksParam',
  'dynamicForkTasksInputParamName',
  'defaultCase',
  'forkTasks',
  'startDelay',
  'subWorkflowParam',
  'joinOn',
  'sink',
  'optional',
  'taskDefinition',
  'rateLimited',
  'defaultExclusiveJoinTask',
  'asyncComplete',
  'loopCondition',
  'loopOver',
  'retryCount',
  'evaluatorType',
  'expression',
  'onStateChange',
  'joinStatus',
  'cacheConfig',
  'permissive',
  'workflowTaskType',
]);

const taskDefFields = fieldsOf<TaskDef>()([
  ...AUDIT_FIELDS,
  'name',
  'description',
  'retryCount',
  'timeoutSeconds',
  'totalTimeoutSeconds',
  'inputKeys',
  'outputKeys',
  'timeoutPolicy',
  'retryLogic',
  'retryDelaySeconds',
  'backoffScaleFactor',
  'maxRetryDelaySeconds',
  'backoffJitterMs',
  'responseTimeoutSeconds',
  'concurrentExecLimit',
  'inputTemplate',
  'rateLimitPerFrequency',
  'rateLimitFrequencyInSeconds',
  'isolationGroupId',
  'executionNameSpace',
  'ownerEmail',
  'pollTimeoutSeconds',
  'baseType',
  'taskStatusListenerEnabled',
  'inputSchema',
  'outputSchema',
  'enforceSchema',
  'metadata',
  'version',
  'accessPolicy',
  'runtimeMetadata',
]);

const subWorkflowParamsFields = fieldsOf<SubWorkflowParams>()([
  'name',
  'version',
  'taskToDomain',
  'workflowDefinition',
  'idempotencyKey',
  'idempotencyStrategy',
  'priority',
]);

const schemaDefFields = fieldsOf<SchemaDef>()([...AUDIT_FIELDS, 'name', 'version', 'type', 'data', 'externalRef']);
const rateLimitConfigFields = fieldsOf<RateLimitConfig>()(['rateLimitKey', 'concurrentExecLimit', 'policy']);
const cacheConfigFields = fieldsOf<CacheConfig>()(['key', 'ttlInSecond']);
const stateChangeEventFields = fieldsOf<StateChangeEvent>()(['type', 'payload']);

/** Known field names per kind of object, for the unknown-field check in `parse.ts`. */
export const KNOWN_FIELDS = {
  workflowDef: workflowDefFields,
  workflowTask: workflowTaskFields,
  taskDef: taskDefFields,
  subWorkflowParams: subWorkflowParamsFields,
  schemaDef: schemaDefFields,
  rateLimitConfig: rateLimitConfigFields,
  cacheConfig: cacheConfigFields,
  stateChangeEvent: stateChangeEventFields,
} as const;

export type ObjectKind = keyof typeof KNOWN_FIELDS;
