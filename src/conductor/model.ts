/**
 * Netflix Conductor's workflow definition format (`schemaVersion: 2`), as TypeScript types.
 *
 * Field names, meanings and defaults follow Conductor's Java classes (`WorkflowDef`,
 * `WorkflowTask`, `TaskDef`, `SubWorkflowParams` in conductor-oss/conductor, `common/metadata`),
 * including the defaulted fields Conductor writes back when it serializes a definition, so a
 * definition exported from a Conductor server parses unchanged. Every field is optional in the
 * types except where Conductor refuses its absence; `validate.ts` says which ones a task type needs.
 *
 * Glossary:
 * - workflow definition (`WorkflowDef`): a named, versioned list of tasks.
 * - task (`WorkflowTask`): one entry of that list; `name` says what runs (a worker's task name or
 *   a system task's), `taskReferenceName` names this use of it, unique in the definition, and is
 *   what expressions refer to (`${encode.output.location}`).
 * - task definition (`TaskDef`): the retry, timeout and rate-limit policy of a task name, registered
 *   on its own or embedded in a task as `taskDefinition`.
 */

/** JSON data as definitions carry it (inputParameters, outputParameters, variables…). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The task types Tutti understands; `DECISION` is the legacy form of `SWITCH`. */
export const TASK_TYPES = [
  'SIMPLE',
  'FORK_JOIN',
  'JOIN',
  'FORK_JOIN_DYNAMIC',
  'SWITCH',
  'DECISION',
  'DO_WHILE',
  'SUB_WORKFLOW',
  'WAIT',
  'HTTP',
  'EVENT',
  'TERMINATE',
  'SET_VARIABLE',
  'INLINE',
  'JSON_JQ_TRANSFORM',
  'DYNAMIC',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** What happens when a workflow exceeds `timeoutSeconds`. */
export type WorkflowTimeoutPolicy = 'TIME_OUT_WF' | 'ALERT_ONLY';
/** What happens when a task exceeds its `timeoutSeconds`. */
export type TaskTimeoutPolicy = 'RETRY' | 'TIME_OUT_WF' | 'ALERT_ONLY';
/** How the delay before a retry grows: fixed, ×2 per attempt, or + `retryDelaySeconds × backoffScaleFactor` per attempt. */
export type RetryLogic = 'FIXED' | 'EXPONENTIAL_BACKOFF' | 'LINEAR_BACKOFF';

/** Fields Conductor adds to stored definitions (its `Auditable` base class). */
export interface Audited {
  ownerApp?: string;
  createTime?: number;
  updateTime?: number;
  createdBy?: string;
  updatedBy?: string;
}

/** A JSON Schema (or an external reference to one) attached to a workflow's or task's input/output. */
export interface SchemaDef extends Audited {
  name: string;
  /** @default 1 */
  version?: number;
  type: 'JSON' | 'AVRO' | 'PROTOBUF';
  data?: JsonObject;
  externalRef?: string;
}

/** Limits how many runs of one key (an expression over the workflow's input) run at once. */
export interface RateLimitConfig {
  rateLimitKey?: string;
  concurrentExecLimit?: number;
  /** @default 'QUEUE' */
  policy?: 'QUEUE' | 'REJECT';
}

/** Caches a task's output under `key` (an expression) for `ttlInSecond` seconds. */
export interface CacheConfig {
  key?: string;
  ttlInSecond?: number;
}

/** An event emitted when a task changes state (`onStateChange`, keyed by `onScheduled`, `onFailed`…). */
export interface StateChangeEvent {
  type: string;
  payload?: JsonObject;
}

export interface SubWorkflowParams {
  /** The workflow to run; required unless `workflowDefinition` is given inline. */
  name?: string;
  /** The version to run; the latest registered one when absent. */
  version?: number;
  taskToDomain?: Record<string, string>;
  /** A definition given inline instead of by name. */
  workflowDefinition?: WorkflowDef;
  idempotencyKey?: string;
  idempotencyStrategy?: 'FAIL' | 'RETURN_EXISTING' | 'FAIL_ON_RUNNING';
  /** Priority of the sub-workflow (a number or an expression); inherited from the parent when absent. */
  priority?: JsonValue;
}

/** Retry, timeout and rate-limit policy of a task name. Defaults are Conductor's. */
export interface TaskDef extends Audited {
  name: string;
  description?: string;
  /** @default 3 */
  retryCount?: number;
  /** Bound on one attempt, in seconds; 0 means none. @default 0 */
  timeoutSeconds?: number;
  /** Bound on all attempts together, in seconds; 0 means none. @default 0 */
  totalTimeoutSeconds?: number;
  inputKeys?: string[];
  outputKeys?: string[];
  /** @default 'TIME_OUT_WF' */
  timeoutPolicy?: TaskTimeoutPolicy;
  /** @default 'FIXED' */
  retryLogic?: RetryLogic;
  /** @default 60 */
  retryDelaySeconds?: number;
  /** Multiplier for LINEAR_BACKOFF. @default 1 */
  backoffScaleFactor?: number;
  /** Cap on the computed retry delay; 0 means no cap. @default 0 */
  maxRetryDelaySeconds?: number;
  /** Up to this many milliseconds of random jitter added to each retry delay. @default 0 */
  backoffJitterMs?: number;
  /** A worker must report progress within this many seconds or the attempt is re-queued. @default 3600 */
  responseTimeoutSeconds?: number;
  /** At most this many attempts in progress at once; 0 or absent means no limit. */
  concurrentExecLimit?: number;
  /** Default input values, used when the task's own `inputParameters` lack a key (or it resolves to null). */
  inputTemplate?: JsonObject;
  /** At most this many attempts start per `rateLimitFrequencyInSeconds`; 0 or absent means no limit. */
  rateLimitPerFrequency?: number;
  /** @default 1 */
  rateLimitFrequencyInSeconds?: number;
  isolationGroupId?: string;
  executionNameSpace?: string;
  ownerEmail?: string;
  pollTimeoutSeconds?: number;
  baseType?: string;
  /** @default true */
  taskStatusListenerEnabled?: boolean;
  inputSchema?: SchemaDef;
  outputSchema?: SchemaDef;
  enforceSchema?: boolean;
  metadata?: JsonObject;
  /** @default 1 */
  version?: number;
  accessPolicy?: Record<string, string>;
  /** Names of secrets handed to the worker with each poll (never stored). */
  runtimeMetadata?: JsonObject;
}

/** One task of a workflow definition. Which fields apply depends on `type`. */
export interface WorkflowTask {
  /** The task name: the worker's task name for SIMPLE, free text for system tasks. */
  name: string;
  /** Unique in the definition; what `${ref.output…}` expressions name. */
  taskReferenceName: string;
  description?: string;
  /** Values and `${…}` expressions evaluated into the task's input when it is scheduled. */
  inputParameters?: JsonObject;
  /** @default 'SIMPLE' */
  type?: string;
  /** DYNAMIC: the input parameter whose value is the task name to run. */
  dynamicTaskNameParam?: string;
  /** DECISION (legacy): the input parameter whose value selects the case. */
  caseValueParam?: string;
  /** DECISION (legacy): a JavaScript expression selecting the case. */
  caseExpression?: string;
  scriptExpression?: string;
  /** SWITCH/DECISION: the tasks of each case, by case value. */
  decisionCases?: Record<string, WorkflowTask[]>;
  /** FORK_JOIN_DYNAMIC (legacy): one parameter carrying both the tasks and their inputs. */
  dynamicForkJoinTasksParam?: string;
  /** FORK_JOIN_DYNAMIC: the input parameter listing the tasks to fork. */
  dynamicForkTasksParam?: string;
  /** FORK_JOIN_DYNAMIC: the input parameter mapping each forked task's reference to its input. */
  dynamicForkTasksInputParamName?: string;
  /** SWITCH/DECISION: the tasks when no case matches. */
  defaultCase?: WorkflowTask[];
  /** FORK_JOIN: the parallel branches, each a list of tasks. */
  forkTasks?: WorkflowTask[][];
  /** Seconds to wait before the task is scheduled. @default 0 */
  startDelay?: number;
  subWorkflowParam?: SubWorkflowParams;
  /** JOIN: the task references (in the preceding fork) to wait for. */
  joinOn?: string[];
  /** EVENT: where the event goes, e.g. `conductor` or `sqs:queue`. */
  sink?: string;
  /** When true, the workflow continues if this task fails. @default false */
  optional?: boolean;
  /** An inline task definition, used instead of a registered one. */
  taskDefinition?: TaskDef;
  rateLimited?: boolean;
  /** EXCLUSIVE_JOIN: the references to join on when no case ran. */
  defaultExclusiveJoinTask?: string[];
  /** EVENT/HTTP: wait for an external update instead of completing at once. @default false */
  asyncComplete?: boolean;
  /** DO_WHILE: JavaScript evaluated after each iteration; the loop continues while it is true. */
  loopCondition?: string;
  /** DO_WHILE: the tasks of one iteration. */
  loopOver?: WorkflowTask[];
  /** Overrides the task definition's `retryCount`. */
  retryCount?: number;
  /** SWITCH: `value-param` (expression names an input parameter) or `javascript` (or `graaljs`). */
  evaluatorType?: string;
  /** SWITCH: the parameter name or script that selects the case. */
  expression?: string;
  /** Events to emit on state changes, keyed by `onScheduled,onFailed…`. */
  onStateChange?: Record<string, StateChangeEvent[]>;
  joinStatus?: string;
  cacheConfig?: CacheConfig;
  /** Lets a task see the workflow's tasks beyond its inputs (Conductor's permissive mode). @default false */
  permissive?: boolean;
  /** Accepted for compatibility: Conductor's Java API sets the type through this alias. */
  workflowTaskType?: string;
}

/** A workflow definition in Conductor's format. */
export interface WorkflowDef extends Audited {
  name: string;
  description?: string;
  /** @default 1 */
  version?: number;
  tasks: WorkflowTask[];
  /** Names of the expected inputs (documentation only). */
  inputParameters?: string[];
  /** The workflow's output: values and `${…}` expressions evaluated when it completes. */
  outputParameters?: JsonObject;
  /** A workflow started with this workflow's details when it fails. */
  failureWorkflow?: string;
  failureWorkflowVersion?: number;
  /** Only 2 is supported (as in Conductor). @default 2 */
  schemaVersion?: number;
  /** @default true */
  restartable?: boolean;
  /** @default false */
  workflowStatusListenerEnabled?: boolean;
  workflowStatusListenerSink?: string;
  ownerEmail?: string;
  /** @default 'ALERT_ONLY' */
  timeoutPolicy?: WorkflowTimeoutPolicy;
  /** 0 means no timeout. @default 0 */
  timeoutSeconds?: number;
  /** Initial values of `${workflow.variables…}`. */
  variables?: JsonObject;
  /** Default input values, used for keys the start request lacks. */
  inputTemplate?: JsonObject;
  rateLimitConfig?: RateLimitConfig;
  inputSchema?: SchemaDef;
  outputSchema?: SchemaDef;
  /** @default true */
  enforceSchema?: boolean;
  metadata?: JsonObject;
  cacheConfig?: CacheConfig;
  /** Input/output fields hidden in logs and the UI. */
  maskedFields?: string[];
  accessPolicy?: Record<string, string>;
}
