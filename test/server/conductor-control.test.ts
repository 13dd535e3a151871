// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/**
 * Conductor's run control through its own SDK against `tutti server`: retry a failed workflow
 * from its failed task, restart a completed one, rerun with a new input or from a task, pause and resume.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConductorClient, TaskManager, type Workflow, WorkflowExecutor } from '@io-orkes/conductor-javascript';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

const twoSteps = {
  name: 'two_steps',
  version: 1,
  schemaVersion: 2,
  timeoutSeconds: 0,
  tasks: [
    { name: 'prepare', taskReferenceName: 'prepare', type: 'SIMPLE', inputParameters: { n: '${workflow.input.n}' } },
    { name: 'flaky', taskReferenceName: 'flaky', type: 'SIMPLE', inputParameters: { n: '${prepare.output.n}' } },
  ],
  outputParameters: { result: '${flaky.output.result}' },
};
const silent = { info() {}, error() {}, debug() {}, warn() {} };

describe("Conductor's run control through its SDK", () => {
  let server: TuttiServer;
  let executor: WorkflowExecutor;
  let manager: TaskManager;
  const calls = { prepare: 0, flaky: 0 };
  let failFlaky = true;

  before(async () => {
    server = await startServer({ store: createMemoryStore(), port: 0, auth: false });
    const client = await createConductorClient({ serverUrl: `${server.url}/api` });
    executor = new WorkflowExecutor(client);
    await executor.registerWorkflow(true, twoSteps);
    manager = new TaskManager(
      client,
      [
        {
          taskDefName: 'prepare',
          execute: async (task) => {
            calls.prepare++;
            return { status: 'COMPLETED', outputData: { n: task.inputData?.n } };
          },
        },
        {
          taskDefName: 'flaky',
          execute: async (task) => {
            calls.flaky++;
            if (failFlaky) return { status: 'FAILED_WITH_TERMINAL_ERROR', reasonForIncompletion: 'upstream down' };
            return { status: 'COMPLETED', outputData: { result: Number(task.inputData?.n) * 2 } };
          },
        },
      ],
      { logger: silent, options: { pollInterval: 20, concurrency: 1, workerID: 'control-worker' } },
    );
    manager.startPolling();
  });
  after(async () => {
    await manager?.stopPolling();
    await server?.close();
  });

  async function settled(id: string, status?: string): Promise<Workflow> {
    for (let i = 0; i < 400; i++) {
      const workflow = (await executor.getWorkflow(id, false)) as Workflow;
      if (status ? workflow.status === status : workflow.status !== 'RUNNING') return workflow;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail(`workflow ${id} did not settle${status ? ` as ${status}` : ''}`);
  }

  it('retries a failed workflow from its failed task: the task before it is not run again', async () => {
    const id = String(await executor.startWorkflow({ name: 'two_steps', input: { n: 21 } }));
    const failed = await settled(id);
    assert.equal(failed.status, 'FAILED');
    assert.match(String(failed.reasonForIncompletion), /upstream down/);
    failFlaky = false;
    await executor.retry(id, false);
    const done = await settled(id, 'COMPLETED');
    assert.deepEqual(done.output, { result: 42 });
    assert.deepEqual(calls, { prepare: 1, flaky: 2 });
  });

  it('restarts a completed workflow from the start, and reruns it with a new input', async () => {
    const id = String(await executor.startWorkflow({ name: 'two_steps', input: { n: 1 } }));
    await settled(id, 'COMPLETED');
    const before = { ...calls };
    await executor.restart(id, false);
    assert.deepEqual((await settled(id, 'COMPLETED')).output, { result: 2 });
    assert.equal(calls.prepare, before.prepare + 1);

    const rerun = await executor.reRun(id, { workflowInput: { n: 50 } });
    assert.equal(String(rerun), id);
    assert.deepEqual((await settled(id, 'COMPLETED')).output, { result: 100 });
  });

  it('reruns a workflow from one of its tasks (a taskId of getWorkflow): the tasks before it are not run again', async () => {
    const id = String(await executor.startWorkflow({ name: 'two_steps', input: { n: 3 } }));
    await settled(id, 'COMPLETED');
    const done = (await executor.getWorkflow(id, true)) as Workflow;
    const flaky = done.tasks?.find((task) => task.referenceTaskName === 'flaky');
    assert.ok(flaky?.taskId, 'the task list gives the task id');
    const before = { ...calls };
    assert.equal(String(await executor.reRun(id, { reRunFromTaskId: flaky.taskId })), id);
    assert.deepEqual((await settled(id, 'COMPLETED')).output, { result: 6 });
    assert.deepEqual(calls, { prepare: before.prepare, flaky: before.flaky + 1 });

    const rerun = (body: unknown) =>
      fetch(`${server.url}/api/workflow/${id}/rerun`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const foreign = await rerun({ reRunFromTaskId: 'another-workflow:0:prepare' });
    assert.equal(foreign.status, 400);
    assert.match(
      ((await foreign.json()) as { message: string }).message,
      /reRunFromTaskId: .* is not a task of workflow/,
    );
    const withInput = await rerun({ reRunFromTaskId: flaky.taskId, workflowInput: { n: 9 } });
    assert.equal(withInput.status, 400);
    assert.match(((await withInput.json()) as { message: string }).message, /^workflowInput: /);
    const beyond = await rerun({ reRunFromTaskId: `${id}:99:flaky` });
    assert.equal(beyond.status, 409);
    assert.match(((await beyond.json()) as { message: string }).message, /a restart can start from 0 to 2, not 99/);
  });

  it('pauses a workflow (a worker may still finish its task) and resumes it', async () => {
    await manager.stopPolling();
    const id = String(await executor.startWorkflow({ name: 'two_steps', input: { n: 5 } }));
    await executor.pause(id);
    assert.equal((await executor.getWorkflow(id, false))?.status, 'PAUSED');
    manager.startPolling();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await executor.getWorkflow(id, false))?.status, 'PAUSED', 'no further task while paused');
    await executor.resume(id);
    assert.deepEqual((await settled(id, 'COMPLETED')).output, { result: 10 });
  });

  it('answers 409 for an action the run’s state does not allow, and restarts over the native API', async () => {
    const id = String(await executor.startWorkflow({ name: 'two_steps', input: { n: 1 } }));
    await settled(id, 'COMPLETED');
    const response = await fetch(`${server.url}/api/workflow/${id}/resume`, { method: 'PUT' });
    assert.equal(response.status, 409);
    const body = (await response.json()) as { code: string; message: string };
    assert.equal(body.code, 'RUN_STATE');
    assert.match(body.message, /is completed, not paused/);

    const native = await fetch(`${server.url}/v1/runs/${id}/retry`, { method: 'POST' });
    assert.equal(native.status, 409);
    const error = ((await native.json()) as { error: { code: string; message: string } }).error;
    assert.deepEqual(error.code, 'RUN_STATE');
    assert.match(error.message, /only a failed or cancelled run can be retried/);
    const restarted = await fetch(`${server.url}/v1/runs/${id}/restart`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: { n: 7 } }),
    });
    assert.equal(restarted.status, 202);
    assert.deepEqual((await settled(id, 'COMPLETED')).output, { result: 14 });
  });
});
