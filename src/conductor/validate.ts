/**
 * Structural validation of a workflow definition: every issue at once, each naming the task
 * reference and the field, so one round of fixes is enough.
 *
 * Checks Conductor's own rules (required fields per task type, unique reference names, schema
 * version 2) and a few it leaves to run time: expressions naming tasks that do not exist or have
 * not run yet, JOINs without their FORK, `${` left open, and sub-workflows that start the
 * workflow itself again. Works on unvalidated data: anything may have the wrong shape.
 */
import { DefinitionError, type DefinitionIssue } from '../core/errors.js';
import { fieldTypeIssues, shown } from './field-types.js';
import type { TaskDef, WorkflowDef } from './model.js';
import { SYSTEM_PARAMETERS } from './placeholders.js';
import { crossTaskIssues } from './references.js';
import { subWorkflowCycleIssues, subWorkflowTargetIssues } from './sub-workflows.js';
import { taskDefinitionIssues, taskIssues } from './task-rules.js';
import { definitionLabel, isPlainObject, walkTasks } from './walk.js';

export interface ValidateOptions {
  /**
   * Looks up a registered workflow definition (the latest version when `version` is undefined).
   * With it, SUB_WORKFLOW tasks must name a registered workflow, and cycles through other
   * workflows are found; without it, only a sub-workflow naming this very workflow is a cycle.
   */
  resolveWorkflow?: (name: string, version?: number) => WorkflowDef | undefined;
  /** Looks up a registered task definition, whose `inputTemplate` may supply required inputs. */
  resolveTaskDef?: (name: string) => TaskDef | undefined;
  /** Host value names expressions may read (`${NAME}`); they are not task references. */
  environment?: Iterable<string>;
}

function workflowIssues(definition: Record<string, unknown>, basePath: string): DefinitionIssue[] {
  const owner = basePath === '' ? 'the workflow definition' : `the workflow definition at ${basePath}`;
  const at = (field: string) => (basePath === '' ? field : `${basePath}.${field}`);
  const issues = fieldTypeIssues(definition, 'workflowDef', { path: basePath, where: owner });
  const add = (field: string, message: string) =>
    issues.push({ path: basePath, field, message: `${owner} ${message}` });
  const { name, tasks, schemaVersion } = definition;
  if (typeof name !== 'string' || name.trim() === '') add('name', "needs a 'name'");
  if (schemaVersion !== undefined && schemaVersion !== null && schemaVersion !== 2) {
    add(
      'schemaVersion',
      `has schemaVersion ${shown(schemaVersion)}; only 2 is supported (as in Conductor): set it to 2`,
    );
  }
  if (tasks === undefined || tasks === null) add('tasks', "needs 'tasks': the list of tasks to run");
  else if (Array.isArray(tasks) && tasks.length === 0) add('tasks', "has no tasks: 'tasks' needs at least one");
  const limits = definition.rateLimitConfig;
  if (isPlainObject(limits) && limits.policy !== undefined && !['QUEUE', 'REJECT'].includes(String(limits.policy))) {
    issues.push({
      path: at('rateLimitConfig'),
      field: 'policy',
      message: `${owner}: rateLimitConfig.policy must be 'QUEUE' or 'REJECT'`,
    });
  }
  return issues;
}

/**
 * Every structural issue of a workflow definition (empty when it is valid). Inline sub-workflow
 * definitions are checked too, their paths prefixed with where they are.
 *
 * @example
 * for (const issue of validateDefinition(def)) console.log(issue.path, issue.field, issue.message);
 */
export function validateDefinition(definition: unknown, options: ValidateOptions = {}): DefinitionIssue[] {
  return validateAt(definition, options, '');
}

/** The issues of a definition found at `basePath` (an inline sub-workflow's, or '' for the root). */
function validateAt(definition: unknown, options: ValidateOptions, basePath: string): DefinitionIssue[] {
  if (!isPlainObject(definition)) {
    const where = basePath === '' ? 'a workflow definition' : basePath;
    return [{ path: basePath, field: '', message: `${where} must be an object, but is ${shown(definition)}` }];
  }
  const environment = new Set([...SYSTEM_PARAMETERS, ...(options.environment ?? [])]);
  const sites = [...walkTasks(definition, basePath)];
  const issues = workflowIssues(definition, basePath);
  for (const site of sites) issues.push(...taskIssues(site, { resolveTaskDef: options.resolveTaskDef }));
  issues.push(...crossTaskIssues(definition, sites, environment, basePath));
  issues.push(...subWorkflowTargetIssues(sites, options.resolveWorkflow));
  if (basePath === '') issues.push(...subWorkflowCycleIssues(definition, options.resolveWorkflow));
  for (const site of sites) {
    const inline =
      isPlainObject(site.task) && isPlainObject(site.task.subWorkflowParam)
        ? site.task.subWorkflowParam.workflowDefinition
        : undefined;
    if (inline !== undefined && inline !== null) {
      issues.push(...validateAt(inline, options, `${site.path}.subWorkflowParam.workflowDefinition`));
    }
  }
  return issues;
}

/**
 * Throws one `DefinitionError` listing every issue of the definition, or returns it typed.
 *
 * @example
 * const def = assertValidDefinition(parseDefinition(text), { resolveWorkflow });
 */
export function assertValidDefinition(
  definition: unknown,
  options: ValidateOptions & { source?: string } = {},
): WorkflowDef {
  const issues = validateDefinition(definition, options);
  if (issues.length > 0) throw new DefinitionError(definitionLabel(definition, options.source), issues);
  return definition as WorkflowDef;
}

/** Every issue of a task definition (TaskDef) registered on its own. */
export function validateTaskDefinition(definition: unknown): DefinitionIssue[] {
  return taskDefinitionIssues(definition, { path: '', where: 'the task definition' });
}
