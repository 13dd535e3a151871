// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/** Task definitions on the engine: LINEAR_BACKOFF, timeouts and their policy, concurrency and rate limits, failureWorkflow. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TaskDef, WorkflowDef, WorkflowTask } from '../../src/conductor/index.js';
import { conductorWorkflow, defineTaskWorkers, type TaskWorker } from '../../src/conductor/run/index.js';
import { stepOptions } from '../../src/conductor/run/task-policy.js';
import { backoffDelay, DEFAULT_RETRY, resolveRetry } from '../../src/core/retry-policy.js';
import { createTutti, type RunFailedError } from '../../src/index.js';

const task = (name: string, extra: Partial<WorkflowTask> = {}): WorkflowTask => ({
  name,
  taskReferenceName: name,
  type: 'SIMPLE',
  ...extra,
});
const flow = (tasks: WorkflowTask[], extra: Partial<WorkflowDef> = {}): WorkflowDef =>
  ({ name: 'flow', version: 1, schemaVersion: 2, tasks, ...extra }) as WorkflowDef;

test("LINEAR_BACKOFF waits retryDelaySeconds × backoffScaleFactor × n before the n-th retry, as Conductor's DeciderService", () => {
  const options = stepOptions(task('t'), {
    name: 't',
    retryCount: 3,
    retryLogic: 'LINEAR_BACKOFF',
    retryDelaySeconds: 2,
    backoffScaleFactor: 3,
  } as TaskDef);
  const policy = resolveRetry(options.retry, DEFAULT_RETRY, 'step');
  assert.deepEqual(
    [2, 3, 4].map((attempt) => backoffDelay(policy, attempt, 0.5)),
    [6000, 12000, 18000],
  );
  const exponential = resolveRetry(
    stepOptions(task('t'), { name: 't', retryLogic: 'EXPONENTIAL_BACKOFF', retryDelaySeconds: 2 } as TaskDef).retry,
    DEFAULT_RETRY,
    'step',
  );
  assert.deepEqual(
    [2, 3, 4].map((attempt) => backoffDelay(exponential, attempt, 0.5)),
    [2000, 4000, 8000],
  );
});

test('timeoutSeconds bounds each attempt; TIME_OUT_WF fails at the first timeout, RETRY retries, ALERT_ONLY does not enforce it', () => {
  const base = { name: 't', retryCount: 2, retryDelaySeconds: 0 } as TaskDef;
  const retry = stepOptions(task('t'), { ...base, timeoutSeconds: 5, responseTimeoutSeconds: 9 });
  assert.equal(retry.timeout, 5000);
  assert.equal(retry.retry?.nonRetryable, undefined);
  const fail = stepOptions(task('t'), { ...base, timeoutSeconds: 5, timeoutPolicy: 'TIME_OUT_WF' });
  assert.deepEqual(fail.retry?.nonRetryable, ['STEP_TIMEOUT']);
  const alert = stepOptions(task('t'), {
    ...base,
    timeoutSeconds: 5,
    timeoutPolicy: 'ALERT_ONLY',
    responseTimeoutSeconds: 2,
  });
  assert.equal(alert.timeout, 2000);
});

async function runFlow(def: WorkflowDef, workers: Record<string, TaskWorker>, taskDefs: Record<string, TaskDef>) {
  const taskWorkers = defineTaskWorkers(workers, { taskDefs });
  const tutti = await createTutti({
    store: 'memory:',
    services: taskWorkers.services,
    workflows: [conductorWorkflow(def, { workers: taskWorkers })],
  });
  return { tutti, taskWorkers };
}

test('a task with TIME_OUT_WF fails the run when an attempt outlives timeoutSeconds; with RETRY the next attempt can succeed', async () => {
  let calls = 0;
  const slowOnce: TaskWorker = async (_input, ctx) => {
    calls++;
    if (ctx.attempt === 1) await new Promise((resolve) => setTimeout(resolve, 3000));
    return { attempt: ctx.attempt };
  };
  for (const [policy, expected] of [
    ['RETRY', 'completed'],
    ['TIME_OUT_WF', 'failed'],
  ] as const) {
    calls = 0;
    const def = flow([task('slow')], { outputParameters: { attempt: '${slow.output.attempt}' } });
    const { tutti, taskWorkers } = await runFlow(
      def,
      { slow: slowOnce },
      {
        slow: {
          name: 'slow',
          retryCount: 1,
          retryDelaySeconds: 0,
          timeoutSeconds: 1,
          timeoutPolicy: policy,
        } as TaskDef,
      },
    );
    try {
      const run = await tutti.start('flow', {});
      const outcome = await run.result().then(
        (output) => ({ status: 'completed', output }),
        (error: RunFailedError) => ({ status: 'failed', error }),
      );
      assert.equal(outcome.status, expected, policy);
      assert.equal(calls, policy === 'RETRY' ? 2 : 1, policy);
      if (policy === 'TIME_OUT_WF')
        assert.match(String((outcome as { error: Error }).error.cause), /did not finish within 1000 ms/);
    } finally {
      await tutti.close();
      await taskWorkers.close();
    }
  }
});

test('concurrentExecLimit and the rate limit bind the workers of a task across runs', async () => {
  let running = 0;
  let most = 0;
  const starts: number[] = [];
  const work: TaskWorker = async () => {
    running++;
    most = Math.max(most, running);
    starts.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 30));
    running--;
    return {};
  };
  const { tutti, taskWorkers } = await runFlow(
    flow([task('work'), task('paced')]),
    {
      work,
      paced: async () => {
        starts.push(-Date.now());
        return {};
      },
    },
    {
      work: { name: 'work', concurrentExecLimit: 2 } as TaskDef,
      paced: { name: 'paced', rateLimitPerFrequency: 3, rateLimitFrequencyInSeconds: 1 } as TaskDef,
    },
  );
  try {
    const started = Date.now();
    const runs = await Promise.all(Array.from({ length: 6 }, () => tutti.start('flow', {})));
    await Promise.all(runs.map((run) => run.result()));
    assert.equal(most, 2, 'at most two executions of work at once');
    const paced = starts
      .filter((at) => at < 0)
      .map((at) => -at - started)
      .sort((a, b) => a - b);
    assert.equal(paced.length, 6);
    assert.ok(
      (paced[3] as number) - (paced[0] as number) >= 950,
      `the 4th paced start waited for the window: ${paced}`,
    );
  } finally {
    await tutti.close();
    await taskWorkers.close();
  }
});

test("failureWorkflow runs with Conductor's input when the run fails; the run still fails with its own error", async () => {
  const seen: Record<string, unknown>[] = [];
  const taskWorkers = defineTaskWorkers({
    charge: () => {
      throw new Error('card declined');
    },
    alert: (input) => {
      seen.push(input);
      return {};
    },
  });
  const onFailure = conductorWorkflow(
    flow(
      [
        task('alert', {
          inputParameters: {
            id: '${workflow.input.workflowId}',
            reason: '${workflow.input.reason}',
            failed: '${workflow.input.failureTaskId}',
            order: '${workflow.input.order}',
          },
        }),
      ],
      { name: 'on_failure' },
    ),
    { workers: taskWorkers },
  );
  const main = conductorWorkflow(flow([task('charge', { retryCount: 0 })], { failureWorkflow: 'on_failure' }), {
    workers: taskWorkers,
    subWorkflow: (name) => (name === 'on_failure' ? onFailure : undefined),
  });
  assert.throws(
    () => conductorWorkflow(flow([task('charge')], { failureWorkflow: 'nope' }), { workers: taskWorkers }),
    /failureWorkflow 'nope' is not known/,
  );
  const tutti = await createTutti({ store: 'memory:', services: taskWorkers.services, workflows: [main, onFailure] });
  try {
    const run = await tutti.start('flow', { order: 'o-7' });
    const error = await run.result().then(
      () => assert.fail('the run should fail'),
      (e: RunFailedError) => e,
    );
    assert.match(String((error.cause as Error).message), /card declined/);
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.id, run.id);
    assert.equal(seen[0]?.failed, 'charge');
    assert.equal(seen[0]?.order, 'o-7');
    assert.match(String(seen[0]?.reason), /card declined/);
    assert.equal((await tutti.getRun(`${run.id}/failure`))?.status, 'completed');
  } finally {
    await tutti.close();
    await taskWorkers.close();
  }
});

test("a workflow's timeoutSeconds with TIME_OUT_WF fails the run at its deadline (failureStatus TIMED_OUT); ALERT_ONLY lets it run", async () => {
  const statuses: unknown[] = [];
  const taskWorkers = defineTaskWorkers({
    alert: (input) => {
      statuses.push(input.status);
      return {};
    },
  });
  const onFailure = conductorWorkflow(
    flow([task('alert', { inputParameters: { status: '${workflow.input.failureStatus}' } })], { name: 'on_failure' }),
    { workers: taskWorkers },
  );
  const waiting = (policy: 'TIME_OUT_WF' | 'ALERT_ONLY') =>
    conductorWorkflow(
      flow(
        [
          {
            name: 'pause',
            taskReferenceName: 'pause',
            type: 'WAIT',
            inputParameters: { duration: '${workflow.input.pause}' },
          },
          { name: 'approval', taskReferenceName: 'approval', type: 'WAIT' },
        ],
        {
          name: `waiting_${policy}`,
          timeoutSeconds: 1,
          timeoutPolicy: policy,
          failureWorkflow: 'on_failure',
          inputTemplate: { pause: '2 seconds' },
          outputParameters: { approved: '${approval.output.by}' },
        },
      ),
      { workers: taskWorkers, subWorkflow: (name) => (name === 'on_failure' ? onFailure : undefined) },
    );
  const tutti = await createTutti({
    store: 'memory:',
    services: taskWorkers.services,
    workflows: [waiting('TIME_OUT_WF'), waiting('ALERT_ONLY'), onFailure],
  });
  try {
    const started = Date.now();
    const strict = await tutti.start('waiting_TIME_OUT_WF', {});
    const error = await strict.result().then(
      () => assert.fail('the run should time out'),
      (e: RunFailedError) => e,
    );
    assert.match(
      String((error.cause as Error).message),
      /workflow 'waiting_TIME_OUT_WF' timed out: it ran past its timeoutSeconds \(1 s\) while task 'pause' \(WAIT\) waited/,
    );
    assert.ok(Date.now() - started < 1900, 'the 2 s pause (from inputTemplate) was cut at the 1 s deadline');
    assert.deepEqual(statuses, ['TIMED_OUT']);

    const lenient = await tutti.start('waiting_ALERT_ONLY', { pause: '1 second' });
    setTimeout(() => void tutti.signal(lenient.id, 'approval', { by: 'ana' }), 1300);
    assert.deepEqual(await lenient.result(), { approved: 'ana' });
  } finally {
    await tutti.close();
    await taskWorkers.close();
  }
});
