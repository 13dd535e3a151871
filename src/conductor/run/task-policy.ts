/**
 * A Conductor task definition's retry and timeout policy, as the engine's step options.
 *
 * Conductor retries a failed task `retryCount` times (default 3), waiting `retryDelaySeconds`
 * (default 60) before each retry: the same delay each time (FIXED), doubled per retry
 * (EXPONENTIAL_BACKOFF, capped by `maxRetryDelaySeconds` when set), or growing by
 * `retryDelaySeconds × backoffScaleFactor` per retry (LINEAR_BACKOFF). `responseTimeoutSeconds`
 * bounds one attempt. Conductor does not randomise its delays, so neither does this.
 */
import { ConfigError } from '../../core/errors.js';
import type { StepCallOptions } from '../../core/types.js';
import type { JsonObject, TaskDef, WorkflowTask } from '../model.js';

export function stepOptions(task: WorkflowTask, taskDef: TaskDef | undefined): StepCallOptions<JsonObject | undefined> {
  const retryCount = task.retryCount ?? taskDef?.retryCount ?? 3;
  const delaySeconds = taskDef?.retryDelaySeconds ?? 60;
  const logic = taskDef?.retryLogic ?? 'FIXED';
  const options: StepCallOptions<JsonObject | undefined> = {
    retry: { maxAttempts: retryCount + 1, initialInterval: delaySeconds * 1000, jitter: 0, backoffCoefficient: 1 },
  };
  if (logic === 'EXPONENTIAL_BACKOFF') {
    options.retry = {
      ...options.retry,
      backoffCoefficient: 2,
      maxInterval: (taskDef?.maxRetryDelaySeconds ?? 24 * 3600) * 1000,
    };
  } else if (logic !== 'FIXED') {
    throw new ConfigError(
      `task '${task.taskReferenceName}': retryLogic ${logic} is not run yet (FIXED and EXPONENTIAL_BACKOFF are); use one of those`,
    );
  }
  if (taskDef?.responseTimeoutSeconds !== undefined) options.timeout = taskDef.responseTimeoutSeconds * 1000;
  return options;
}
