/**
 * What `$` holds and what becomes of a script's result, for each task type that evaluates one,
 * after Conductor's `Inline`, `SwitchTaskMapper`/`DecisionTaskMapper` and `DoWhile`:
 *
 * - INLINE: `$` is the task's whole evaluated `inputParameters` (`evaluatorType` and `expression`
 *   included); the task's output is `{ result }`.
 * - SWITCH (and the legacy DECISION): `$` is the task's evaluated `inputParameters`; the case taken
 *   is the result as Java prints it (`"" + value`: `2`, `1.5`, `true`, `null`, `{a=1}`), compared
 *   with the `decisionCases` keys.
 * - DO_WHILE: `$` is the loop task's evaluated `inputParameters`, plus the loop task's own output
 *   under its reference name (`{ iteration, "1": {…}, … }`) and the latest output of each task of
 *   the loop under its reference name; the loop goes on while the result is `true` or a number
 *   above 0 (anything else, a string "true" included, ends it).
 */

import { javaToString } from '../java-text.js';
import type { JsonObject, JsonValue, WorkflowTask } from '../model.js';
import type { ScriptSandbox } from './sandbox.js';

/**
 * Runs an INLINE task's script.
 * @example
 * await evaluateInline(sandbox, 'double', { evaluatorType: 'javascript', expression: '$.n * 2', n: 21 }); // → { result: 42 }
 */
export async function evaluateInline(
  sandbox: ScriptSandbox,
  taskReferenceName: string,
  inputParameters: JsonObject,
): Promise<{ result: JsonValue }> {
  const result = await sandbox.evaluate({
    evaluatorType: inputParameters.evaluatorType,
    expression: inputParameters.expression,
    input: inputParameters,
    taskReferenceName,
  });
  return { result };
}

/**
 * The case a SWITCH (or DECISION) task takes, as the text its `decisionCases` are keyed by; the
 * `defaultCase` runs when no key is equal to it.
 * @example
 * await evaluateSwitchCase(sandbox, { name: 's', taskReferenceName: 's', type: 'SWITCH', evaluatorType: 'javascript', expression: '$.size > 10 ? "big" : "small"' }, { size: 12 }); // → 'big'
 */
export async function evaluateSwitchCase(
  sandbox: ScriptSandbox,
  task: WorkflowTask,
  inputParameters: JsonObject,
): Promise<string> {
  const legacy = task.type === 'DECISION';
  const script = legacy
    ? typeof task.caseExpression === 'string' && task.caseExpression.trim() !== ''
      ? { evaluatorType: 'javascript', expression: task.caseExpression }
      : { evaluatorType: 'value-param', expression: task.caseValueParam }
    : { evaluatorType: task.evaluatorType, expression: task.expression };
  const result = await sandbox.evaluate({
    ...script,
    input: inputParameters,
    taskReferenceName: task.taskReferenceName,
  });
  return javaToString(result);
}

/** What a DO_WHILE's `loopCondition` is evaluated over, after an iteration. */
export interface LoopConditionState {
  /** The DO_WHILE task's `inputParameters`, evaluated. */
  inputParameters: JsonObject;
  /** The DO_WHILE task's reference name. */
  taskReferenceName: string;
  /** The DO_WHILE task's output so far: `{ iteration: 2, "1": { <ref>: output… }, "2": {…} }`. */
  loopOutput: JsonObject;
  /** The latest output of each task of the loop, by reference name (without the `__2` iteration suffix). */
  loopTaskOutputs: Readonly<Record<string, JsonObject>>;
}

/**
 * The `$` of a loop condition: the parameters, then the loop task's output, then each loop task's
 * output (a later key replaces an earlier one of the same name, in that order, as in Conductor).
 */
export function loopConditionInput(state: LoopConditionState): JsonObject {
  return { ...state.inputParameters, [state.taskReferenceName]: state.loopOutput, ...state.loopTaskOutputs };
}

/**
 * Whether a DO_WHILE goes on for another iteration.
 * @example
 * await evaluateLoopCondition(sandbox, loopTask, loopConditionInput({ inputParameters: { max: 3 }, taskReferenceName: 'loop',
 *   loopOutput: { iteration: 1 }, loopTaskOutputs: {} })); // '$.loop.iteration < $.max' → true
 */
export async function evaluateLoopCondition(
  sandbox: ScriptSandbox,
  task: WorkflowTask,
  input: JsonObject,
): Promise<boolean> {
  // Conductor runs one iteration when there is no condition (validation refuses such a loop).
  if (task.loopCondition === undefined || task.loopCondition.trim() === '') return false;
  const result = await sandbox.evaluate({
    evaluatorType: 'javascript',
    expression: task.loopCondition,
    input,
    taskReferenceName: task.taskReferenceName,
  });
  // Conductor's ScriptEvaluator.toBoolean.
  if (typeof result === 'boolean') return result;
  return typeof result === 'number' && result > 0;
}
