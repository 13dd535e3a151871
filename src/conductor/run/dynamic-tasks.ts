/**
 * The tasks a FORK_JOIN_DYNAMIC or a DYNAMIC task decides on while the workflow runs, read from
 * its evaluated input as Conductor's `ForkJoinDynamicTaskMapper` and `DynamicTaskMapper` do. The
 * input comes from earlier tasks' journaled outputs, so a replay decides the same way.
 */
import { NonRetryableError } from '../../core/errors.js';
import type { JsonObject, JsonValue, WorkflowTask } from '../model.js';

/** One forked task and its input (the task's own evaluated `inputParameters`, then this on top). */
export interface ForkedTask {
  task: WorkflowTask;
  input: JsonObject;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The tasks of a FORK_JOIN_DYNAMIC, in either of Conductor's forms:
 * - `dynamicForkTasksParam` names the input holding a list of WorkflowTasks, and
 *   `dynamicForkTasksInputParamName` the input holding each one's input by reference name;
 * - `forkTaskName` (and `forkTaskType`, default SIMPLE) with `forkTaskInputs`, a list: one task
 *   per item, referenced `_<forkTaskName>_<i>`, whose input is the item (or `{ input: item }`) plus `__index`.
 */
export function forkedTasks(fork: WorkflowTask, input: JsonObject): ForkedTask[] {
  const where = `task '${fork.taskReferenceName}' (FORK_JOIN_DYNAMIC)`;
  const fail = (problem: string): never => {
    throw new NonRetryableError(`${where}: ${problem}`);
  };
  if (fork.dynamicForkTasksParam === undefined && input.forkTaskInputs !== undefined) {
    return simpleForks(fork, input, fail);
  }
  if (fork.dynamicForkJoinTasksParam !== undefined) return legacyForks(fork.dynamicForkJoinTasksParam, input, fail);
  const param = fork.dynamicForkTasksParam;
  if (param === undefined) return fail('it names no dynamicForkTasksParam (nor gives forkTaskName and forkTaskInputs)');
  const list = input[param];
  if (!Array.isArray(list)) {
    return fail(`inputParameters.${param} must be a list of tasks; it is ${JSON.stringify(list) ?? 'missing'}`);
  }
  const inputsParam = fork.dynamicForkTasksInputParamName;
  const inputs = inputsParam === undefined ? {} : input[inputsParam];
  if (!isObject(inputs)) {
    return fail(
      `inputParameters.${inputsParam} must map each forked task's reference name to its input; it is ${JSON.stringify(inputs) ?? 'missing'}`,
    );
  }
  const seen = new Set<string>();
  return list.map((item, i) => {
    if (!isObject(item) || typeof item.taskReferenceName !== 'string' || item.taskReferenceName === '') {
      return fail(
        `inputParameters.${param}[${i}] must be a task with a taskReferenceName; it is ${JSON.stringify(item)}`,
      );
    }
    if (seen.has(item.taskReferenceName)) {
      return fail(`inputParameters.${param}[${i}]: taskReferenceName '${item.taskReferenceName}' is forked twice`);
    }
    seen.add(item.taskReferenceName);
    const task = { type: 'SIMPLE', ...item, name: item.name ?? item.taskReferenceName } as unknown as WorkflowTask;
    const own = inputs[item.taskReferenceName];
    return { task, input: isObject(own) ? own : {} };
  });
}

function simpleForks(fork: WorkflowTask, input: JsonObject, fail: (problem: string) => never): ForkedTask[] {
  const items = input.forkTaskInputs;
  if (!Array.isArray(items))
    return fail(`inputParameters.forkTaskInputs must be a list; it is ${JSON.stringify(items)}`);
  const type = typeof input.forkTaskType === 'string' ? input.forkTaskType : 'SIMPLE';
  const name = typeof input.forkTaskName === 'string' ? input.forkTaskName : fork.taskReferenceName;
  // `forkTaskWorkflow` forks sub-workflows of that name (and `forkTaskWorkflowVersion`) instead.
  const workflow = typeof input.forkTaskWorkflow === 'string' ? input.forkTaskWorkflow : undefined;
  const version = Number.parseInt(String(input.forkTaskWorkflowVersion), 10);
  return items.map((item: JsonValue, i) => {
    const own: JsonObject = isObject(item) ? { ...item } : { input: item };
    own.__index = i;
    const taskReferenceName = `_${name}_${i}`;
    const task: WorkflowTask = workflow
      ? {
          name: workflow,
          taskReferenceName,
          type: 'SUB_WORKFLOW',
          subWorkflowParam: { name: workflow, ...(Number.isNaN(version) ? {} : { version }) },
        }
      : { name, type, taskReferenceName };
    if (fork.optional) task.optional = true;
    return { task, input: own };
  });
}

/**
 * The legacy form: `dynamicForkJoinTasksParam` names an input holding `{ dynamicTasks: [{ taskName,
 * referenceName, input, type? }] }` (Conductor's DynamicForkJoinTaskList).
 */
function legacyForks(param: string, input: JsonObject, fail: (problem: string) => never): ForkedTask[] {
  const holder = input[param];
  const list = isObject(holder) ? holder.dynamicTasks : undefined;
  if (!Array.isArray(list)) {
    return fail(
      `inputParameters.${param} must be { dynamicTasks: [ … ] }; it is ${JSON.stringify(holder) ?? 'missing'}`,
    );
  }
  return list.map((item, i) => {
    if (!isObject(item) || typeof item.taskName !== 'string' || typeof item.referenceName !== 'string') {
      return fail(
        `inputParameters.${param}.dynamicTasks[${i}] needs taskName and referenceName; it is ${JSON.stringify(item)}`,
      );
    }
    const type = typeof item.type === 'string' ? item.type : 'SIMPLE';
    const task = { name: item.taskName, taskReferenceName: item.referenceName, type } as WorkflowTask;
    return { task, input: isObject(item.input) ? item.input : {} };
  });
}

/** The task name a DYNAMIC task runs: the input named by its `dynamicTaskNameParam`. */
export function dynamicTaskName(task: WorkflowTask, input: JsonObject): string {
  const param = task.dynamicTaskNameParam ?? 'taskToExecute';
  const name = input[param];
  if (typeof name !== 'string' || name === '') {
    throw new NonRetryableError(
      `task '${task.taskReferenceName}' (DYNAMIC): inputParameters.${param} must name the task to run; it is ${JSON.stringify(name) ?? 'missing'}`,
    );
  }
  return name;
}
