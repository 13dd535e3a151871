/**
 * A Conductor task definition's retry and timeout policy, as the engine's step options.
 *
 * Conductor retries a failed task `retryCount` times (default 3), waiting `retryDelaySeconds`
 * (default 60) before each retry: the same delay each time (FIXED), doubled per retry
 * (EXPONENTIAL_BACKOFF, capped by `maxRetryDelaySeconds` when set), or growing by
 * `retryDelaySeconds × backoffScaleFactor` per retry (LINEAR_BACKOFF). Conductor does not
 * randomise its delays, so neither does this.
 *
 * Timeouts: each attempt is bounded by `responseTimeoutSeconds` and by `timeoutSeconds` (Conductor
 * starts a new task, with its own `timeoutSeconds`, for each retry). `timeoutPolicy` RETRY (the
 * default) retries an attempt that timed out; TIME_OUT_WF fails the task, and so the workflow, at
 * the first timeout; ALERT_ONLY does not enforce `timeoutSeconds`.
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
  } else if (logic === 'LINEAR_BACKOFF') {
    const scale = taskDef?.backoffScaleFactor ?? 1;
    if (!(Number.isInteger(scale) && scale >= 1)) {
      throw new ConfigError(
        `task '${task.taskReferenceName}': backoffScaleFactor ${scale} must be a whole number >= 1 (LINEAR_BACKOFF waits retryDelaySeconds × backoffScaleFactor × n before the n-th retry)`,
      );
    }
    options.retry = { ...options.retry, backoff: 'linear', initialInterval: delaySeconds * scale * 1000 };
  } else if (logic !== 'FIXED') {
    throw new ConfigError(
      `task '${task.taskReferenceName}': retryLogic ${logic} is not one of FIXED, EXPONENTIAL_BACKOFF, LINEAR_BACKOFF`,
    );
  }
  const policy = taskDef?.timeoutPolicy ?? 'RETRY';
  const limits = [taskDef?.responseTimeoutSeconds, policy === 'ALERT_ONLY' ? undefined : taskDef?.timeoutSeconds];
  const seconds = limits.filter((limit): limit is number => typeof limit === 'number' && limit > 0);
  if (seconds.length > 0) options.timeout = Math.min(...seconds) * 1000;
  if (policy === 'TIME_OUT_WF' && options.retry) options.retry = { ...options.retry, nonRetryable: ['STEP_TIMEOUT'] };
  return options;
}
