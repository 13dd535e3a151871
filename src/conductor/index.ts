/**
 * Declarative workflows in Netflix Conductor's format: the definition model, reading JSON and
 * YAML, validation, Conductor's `${…}` expressions, and the sandboxed scripts of INLINE, SWITCH,
 * DO_WHILE and JSON_JQ_TRANSFORM, and the registry of definitions by name and version.
 * Engine-independent: running a definition on the engine is `./run/` (docs/conductor.md).
 */
export {
  type EvaluationOptions,
  type ExpressionContext,
  evaluateExpression,
  evaluateParameters,
  evaluateParametersAgainst,
  expressionDocument,
  listTaskReferences,
  type TaskState,
  type WorkflowState,
} from './expressions.js';
export type {
  CacheConfig,
  JsonObject,
  JsonValue,
  RateLimitConfig,
  RetryLogic,
  SchemaDef,
  StateChangeEvent,
  SubWorkflowParams,
  TaskDef,
  TaskTimeoutPolicy,
  TaskType,
  WorkflowDef,
  WorkflowTask,
  WorkflowTimeoutPolicy,
} from './model.js';
export { TASK_TYPES } from './model.js';
export {
  loadDefinition,
  type ParseOptions,
  parseDefinition,
  parseTaskDefinition,
  readDefinitionText,
} from './parse.js';
export {
  createDefinitionRegistry,
  type DefinitionDocument,
  type DefinitionRegistry,
  type DefinitionRegistryOptions,
  type RegisteredDefinition,
  type RegisterOptions,
  type Registration,
  readDefinitionDocument,
} from './registry.js';
export {
  evaluateInline,
  evaluateLoopCondition,
  evaluateSwitchCase,
  type LoopConditionState,
  loopConditionInput,
} from './scripts/evaluators.js';
export {
  createJqTransformer,
  type JqTransformer,
  type JqTransformOptions,
  type JqTransformOutput,
  type JqTransformRequest,
} from './scripts/jq.js';
export {
  createScriptSandbox,
  type ScriptEvaluatorType,
  type ScriptRequest,
  type ScriptSandbox,
  type ScriptSandboxOptions,
} from './scripts/sandbox.js';
export { findUnknownFields } from './unknown-fields.js';
export { assertValidDefinition, type ValidateOptions, validateDefinition, validateTaskDefinition } from './validate.js';
export { type TaskSite, walkTasks } from './walk.js';
