/**
 * What each task type needs, checked one task at a time. The rules and their thresholds are
 * Conductor's (`WorkflowTaskTypeConstraint`, `TaskTimeoutConstraint`); the wording is Tutti's:
 * each message names the task, the field and the fix.
 */
import type { DefinitionIssue } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { fieldTypeIssues, shown } from './field-types.js';
import { TASK_TYPES, type TaskDef } from './model.js';
import { describeTask, isPlainObject, stringField, type TaskSite, taskType } from './walk.js';

/** Conductor task types Tutti does not run (yet): named as such rather than as typos. */
const NOT_SUPPORTED_TYPES: ReadonlySet<string> = new Set([
  'EXCLUSIVE_JOIN',
  'KAFKA_PUBLISH',
  'LAMBDA',
  'HUMAN',
  'START_WORKFLOW',
  'NOOP',
  'USER_DEFINED',
]);
const SWITCH_EVALUATORS = ['value-param', 'javascript', 'graaljs'];
const INLINE_EVALUATORS = ['javascript', 'value-param', 'graaljs'];
const TERMINATION_STATUSES = ['COMPLETED', 'FAILED', 'TERMINATED'];

export interface TaskRuleContext {
  /** Registered task definitions by name, for defaults a task's inputTemplate supplies. */
  resolveTaskDef?: ((name: string) => TaskDef | undefined) | undefined;
}

/** Reports issues about one task; `field` paths are relative to the task. */
type Report = (field: string, problem: string) => void;

function filled(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === 'string' && value.trim() === '');
}

function nonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** Whether the task's input gets `key`: from its parameters or from its task definition's inputTemplate. */
function hasInput(task: Record<string, unknown>, key: string, context: TaskRuleContext): boolean {
  const parameters = isPlainObject(task.inputParameters) ? task.inputParameters : {};
  if (Object.hasOwn(parameters, key)) return true;
  const name = stringField(task, 'name');
  const definition = isPlainObject(task.taskDefinition)
    ? task.taskDefinition
    : name === undefined
      ? undefined
      : context.resolveTaskDef?.(name);
  return isPlainObject(definition?.inputTemplate) && Object.hasOwn(definition.inputTemplate, key);
}

function caseRules(task: Record<string, unknown>, report: Report): void {
  const cases = task.decisionCases;
  if (!isPlainObject(cases) || Object.keys(cases).length === 0) {
    report('decisionCases', "needs 'decisionCases' with at least one case (a case value mapped to a list of tasks)");
    return;
  }
  for (const [value, tasks] of Object.entries(cases)) {
    if (!Array.isArray(tasks)) report(`decisionCases.${value}`, `case '${value}' must be a list of tasks`);
  }
}

/** An evaluator field that must be present and one of `allowed`. */
function evaluatorRule(
  value: unknown,
  field: string,
  allowed: readonly string[],
  purpose: string,
  report: Report,
): void {
  const choices = allowed
    .slice(0, 2)
    .map((a) => `'${a}'`)
    .join(' or ');
  if (!filled(value)) report(field, `needs '${field}': ${choices} (${purpose})`);
  else if (typeof value !== 'string' || !allowed.includes(value)) {
    const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
    report(field, `has ${field} ${shown(value)}; use ${choices}${hint}`);
  }
}

/** A field naming an input parameter: required, and the input must have it. */
function inputNameRule(
  task: Record<string, unknown>,
  field: string,
  carries: string,
  report: Report,
  context: TaskRuleContext,
) {
  const name = task[field];
  if (!filled(name)) report(field, `needs '${field}': the name of the input parameter carrying ${carries}`);
  else if (typeof name === 'string' && !hasInput(task, name, context)) {
    report(
      `inputParameters.${name}`,
      `names input parameter '${name}' in '${field}', but inputParameters has no '${name}'`,
    );
  }
}

type Rule = (task: Record<string, unknown>, report: Report, context: TaskRuleContext) => void;

const RULES: Readonly<Record<string, Rule>> = {
  SWITCH(task, report) {
    evaluatorRule(task.evaluatorType, 'evaluatorType', SWITCH_EVALUATORS, 'how expression chooses the case', report);
    if (!filled(task.expression)) {
      report(
        'expression',
        "needs 'expression': the input parameter name (value-param) or the script (javascript) choosing the case",
      );
    }
    caseRules(task, report);
  },
  DECISION(task, report) {
    if (!filled(task.caseValueParam) && !filled(task.caseExpression)) {
      report('caseValueParam', "needs 'caseValueParam' or 'caseExpression' to choose the case (or use a SWITCH task)");
    }
    caseRules(task, report);
  },
  DO_WHILE(task, report) {
    if (!filled(task.loopCondition)) {
      report('loopCondition', "needs 'loopCondition': a script evaluated after each iteration, true to go on");
    }
    if (!nonEmptyList(task.loopOver)) report('loopOver', "needs 'loopOver': the list of tasks of one iteration");
  },
  FORK_JOIN(task, report) {
    if (!nonEmptyList(task.forkTasks)) {
      report('forkTasks', "needs 'forkTasks': a list of branches, each a list of tasks");
      return;
    }
    (task.forkTasks as unknown[]).forEach((branch, b) => {
      if (!Array.isArray(branch)) report(`forkTasks[${b}]`, `branch ${b} must be a list of tasks`);
      else if (branch.length === 0) report(`forkTasks[${b}]`, `branch ${b} is empty: give it a task or remove it`);
    });
  },
  FORK_JOIN_DYNAMIC(task, report, context) {
    // Conductor's newer form names no parameters: `forkTaskName` (or `forkTaskType`) and `forkTaskInputs`.
    const input = task.inputParameters;
    const simple = isPlainObject(input) && input.forkTaskInputs !== undefined;
    if (simple && !filled(task.dynamicForkTasksParam) && !filled(task.dynamicForkJoinTasksParam)) return;
    if (filled(task.dynamicForkJoinTasksParam)) {
      if (filled(task.dynamicForkTasksParam) || filled(task.dynamicForkTasksInputParamName)) {
        report(
          'dynamicForkJoinTasksParam',
          "sets both 'dynamicForkJoinTasksParam' and 'dynamicForkTasksParam'/'dynamicForkTasksInputParamName': keep one way",
        );
      } else {
        inputNameRule(task, 'dynamicForkJoinTasksParam', 'the tasks to fork and their inputs', report, context);
      }
      return;
    }
    inputNameRule(task, 'dynamicForkTasksParam', 'the tasks to fork', report, context);
    inputNameRule(task, 'dynamicForkTasksInputParamName', "the forked tasks' inputs", report, context);
  },
  DYNAMIC(task, report, context) {
    inputNameRule(task, 'dynamicTaskNameParam', 'the name of the task to run', report, context);
  },
  SUB_WORKFLOW(task, report) {
    const params = task.subWorkflowParam;
    if (!isPlainObject(params)) {
      report(
        'subWorkflowParam',
        "needs 'subWorkflowParam' with the 'name' (and optionally 'version') of the workflow to start",
      );
    } else if (!filled(params.name) && !isPlainObject(params.workflowDefinition)) {
      report(
        'subWorkflowParam.name',
        "needs 'subWorkflowParam.name': the workflow to start (or an inline 'workflowDefinition')",
      );
    }
  },
  WAIT(task, report) {
    const input = isPlainObject(task.inputParameters) ? task.inputParameters : {};
    if (filled(input.duration) && filled(input.until)) {
      report('inputParameters.until', "sets both 'duration' and 'until' in inputParameters: keep one");
    }
  },
  HTTP(task, report, context) {
    if (!hasInput(task, 'http_request', context) && !hasInput(task, 'uri', context)) {
      report(
        'inputParameters.http_request',
        "needs 'inputParameters.http_request' (with 'uri' and 'method') describing the call",
      );
    }
  },
  EVENT(task, report) {
    if (!filled(task.sink))
      report('sink', "needs 'sink': where the event goes, e.g. 'conductor' or 'conductor:<name>'");
  },
  TERMINATE(task, report) {
    const input = isPlainObject(task.inputParameters) ? task.inputParameters : {};
    const status = input.terminationStatus;
    if (typeof status !== 'string' || !TERMINATION_STATUSES.includes(status)) {
      const now = status === undefined ? 'it is missing' : `it is ${shown(status)}`;
      report(
        'inputParameters.terminationStatus',
        `needs 'inputParameters.terminationStatus' set to COMPLETED or FAILED (${now})`,
      );
    }
    if (task.optional === true) report('optional', "is optional, but a TERMINATE task cannot be: remove 'optional'");
  },
  INLINE(task, report) {
    const input = isPlainObject(task.inputParameters) ? task.inputParameters : {};
    evaluatorRule(
      input.evaluatorType,
      'inputParameters.evaluatorType',
      INLINE_EVALUATORS,
      'how to read expression',
      report,
    );
    if (!filled(input.expression))
      report('inputParameters.expression', "needs 'inputParameters.expression': the script to run");
  },
  JSON_JQ_TRANSFORM(task, report, context) {
    if (!hasInput(task, 'queryExpression', context)) {
      report('inputParameters.queryExpression', "needs 'inputParameters.queryExpression': the jq program to apply");
    }
  },
};

/** Issues of one task definition (TaskDef), standalone or inline as a task's `taskDefinition`. */
export function taskDefinitionIssues(
  definition: unknown,
  at: { path: string; where: string; taskReferenceName?: string },
): DefinitionIssue[] {
  const base = {
    path: at.path,
    ...(at.taskReferenceName === undefined ? {} : { taskReferenceName: at.taskReferenceName }),
  };
  if (!isPlainObject(definition)) {
    return [{ ...base, field: '', message: `${at.where} must be an object, but is ${shown(definition)}` }];
  }
  const issues = fieldTypeIssues(definition, 'taskDef', at);
  if (!filled(definition.name)) issues.push({ ...base, field: 'name', message: `${at.where} needs a 'name'` });
  const { timeoutSeconds, responseTimeoutSeconds } = definition;
  if (typeof timeoutSeconds === 'number' && timeoutSeconds > 0 && typeof responseTimeoutSeconds === 'number') {
    if (responseTimeoutSeconds > timeoutSeconds) {
      issues.push({
        ...base,
        field: 'responseTimeoutSeconds',
        message: `${at.where}: responseTimeoutSeconds (${responseTimeoutSeconds}) must not exceed timeoutSeconds (${timeoutSeconds}); lower it or raise timeoutSeconds`,
      });
    }
  }
  return issues;
}

/** Issues of one task entry, leaving aside what involves other tasks (see `references.ts`). */
export function taskIssues(site: TaskSite, context: TaskRuleContext): DefinitionIssue[] {
  const { task, path } = site;
  const owner = describeTask(site);
  if (!isPlainObject(task)) {
    return [
      {
        path,
        field: '',
        message: `${path} must be a task (an object with 'name' and 'taskReferenceName'), but is ${shown(task)}`,
      },
    ];
  }
  const ref = stringField(task, 'taskReferenceName');
  const at = { path, where: owner, ...(ref === undefined ? {} : { taskReferenceName: ref }) };
  const issues = fieldTypeIssues(task, 'workflowTask', at);
  const report: Report = (field, problem) => issues.push({ ...at, field, message: `${owner} ${problem}` });

  if (!filled(task.name))
    report('name', "needs a 'name': the task name a worker polls for, or any label for a system task");
  if (!filled(task.taskReferenceName))
    report('taskReferenceName', "needs a 'taskReferenceName', unique in the definition");

  const type = taskType(task);
  const rule = RULES[type];
  if (rule) {
    rule(task, report, context);
  } else if (NOT_SUPPORTED_TYPES.has(type)) {
    report(
      'type',
      `has type '${type}', a Conductor task type Tutti does not run yet; use one of ${TASK_TYPES.join(', ')}`,
    );
  } else if (!(TASK_TYPES as readonly string[]).includes(type)) {
    const hint = didYouMean(type, TASK_TYPES) || `; known types: ${TASK_TYPES.join(', ')}`;
    report('type', `has unknown type '${type}'${hint}`);
  }

  if (task.taskDefinition !== undefined && task.taskDefinition !== null) {
    const where = `taskDefinition of ${owner}`;
    issues.push(...taskDefinitionIssues(task.taskDefinition, { ...at, path: `${path}.taskDefinition`, where }));
  }
  return issues;
}
