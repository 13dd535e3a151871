// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/**
 * Conductor's skip task (`PUT /api/workflow/{id}/skiptask/{ref}`) against `tutti server`: the
 * request through the official SDK (a JSON body) and in the query; the workflow carries on past
 * the skipped task with the output given; what cannot be skipped is a 4xx that says why; and a
 * skip survives a restart of the server, both before the run reaches the task and after (replay).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConductorClient, type Workflow, WorkflowExecutor } from '@io-orkes/conductor-javascript';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { tempDbPath } from '../helpers/temp-db.js';

const db = tempDbPath('tutti-conductor-skip-');
const threeSteps = {
  name: 'three_steps',
  version: 1,
  schemaVersion: 2,
  timeoutSeconds: 0,
  tasks: [
    { name: 'first', taskReferenceName: 'first', type: 'SIMPLE', inputParameters: {} },
    { name: 'second', taskReferenceName: 'second', type: 'SIMPLE', inputParameters: {} },
    { name: 'third', taskReferenceName: 'third', type: 'SIMPLE', inputParameters: { v: '${second.output.v}' } },
  ],
  outputParameters: { v: '${third.output.v}', skippedInput: '${second.input.why}' },
};

interface PolledTask {
  taskId: string;
  workflowInstanceId: string;
  inputData: Record<string, unknown>;
}

describe("Conductor's skip task", () => {
  let server: TuttiServer;
  let executor: WorkflowExecutor;

  const api = (path: string, init?: RequestInit) => fetch(`${server.url}/api${path}`, init);
  async function open(): Promise<void> {
    server = await startServer({ db: db.path, port: 0, auth: false });
    executor = new WorkflowExecutor(await createConductorClient({ serverUrl: `${server.url}/api` }));
  }
  /** Polls one task of `type` for `workflowId` (other runs' tasks are reported back as they came). */
  async function poll(type: string, workflowId: string): Promise<PolledTask> {
    for (let i = 0; i < 500; i++) {
      const response = await api(`/tasks/poll/${type}?workerid=skip-worker`);
      if (response.status === 200) {
        const task = (await response.json()) as PolledTask;
        if (task.workflowInstanceId === workflowId) return task;
        await complete(task, task.inputData);
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail(`no '${type}' task for ${workflowId}`);
  }
  async function complete(task: PolledTask, outputData: Record<string, unknown>): Promise<void> {
    const response = await api('/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        taskId: task.taskId,
        workflowInstanceId: task.workflowInstanceId,
        workerId: 'skip-worker',
        status: 'COMPLETED',
        outputData,
      }),
    });
    assert.equal(response.status, 200, await response.text());
  }
  async function settled(id: string): Promise<Workflow> {
    for (let i = 0; i < 500; i++) {
      const workflow = (await executor.getWorkflow(id, true)) as Workflow;
      if (workflow.status !== 'RUNNING') return workflow;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.fail(`workflow ${id} did not settle`);
  }
  const skipTask = (id: string, ref: string, query = '', body?: unknown) =>
    api(`/workflow/${id}/skiptask/${ref}${query}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async () => {
    await open();
    await executor.registerWorkflow(true, threeSteps);
  });
  after(async () => {
    await server?.close();
    db.remove();
  });

  it('skips a task the run has not reached (the SDK sends a body): its worker never gets it, the next task reads its output', async () => {
    const id = String(await executor.startWorkflow({ name: 'three_steps', input: {} }));
    const first = await poll('first', id);
    await executor.skipTasksFromWorkflow(id, 'second', { taskInput: { why: 'by hand' }, taskOutput: { v: 7 } });
    await complete(first, {});
    const third = await poll('third', id);
    assert.deepEqual(third.inputData, { v: 7 });
    await complete(third, { v: third.inputData.v });
    const workflow = await settled(id);
    assert.equal(workflow.status, 'COMPLETED');
    assert.deepEqual(workflow.output, { v: 7, skippedInput: 'by hand' });
    const second = workflow.tasks?.find((task) => task.referenceTaskName === 'second');
    assert.equal(second?.status, 'SKIPPED');
    // No 'second' task was ever queued for this run.
    const stray = await api('/tasks/poll/second?workerid=skip-worker');
    assert.equal(stray.status, 204);
  });

  it('takes the request in the query too, as JSON text; the body wins field by field', async () => {
    const id = String(await executor.startWorkflow({ name: 'three_steps', input: {} }));
    const first = await poll('first', id);
    const query = `?taskOutput=${encodeURIComponent('{"v":1}')}&taskInput=${encodeURIComponent('{"why":"query"}')}`;
    const response = await skipTask(id, 'second', query, { taskOutput: { v: 2 } });
    assert.equal(response.status, 200, await response.text());
    await complete(first, {});
    const third = await poll('third', id);
    await complete(third, { v: third.inputData.v });
    assert.deepEqual((await settled(id)).output, { v: 2, skippedInput: 'query' });
  });

  it('refuses, saying why: a processed task, an unknown reference, a finished run, bad query JSON', async () => {
    const id = String(await executor.startWorkflow({ name: 'three_steps', input: {} }));
    const first = await poll('first', id);
    await complete(first, {});
    await poll('second', id); // reached: it is the worker's now

    const processed = await skipTask(id, 'first');
    assert.equal(processed.status, 409);
    assert.match(((await processed.json()) as { message: string }).message, /already processed task 'first'/);

    const unknown = await skipTask(id, 'thrid');
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { message: string }).message, /no task 'thrid' \(did you mean 'third'\?\)/);

    const badQuery = await skipTask(id, 'third', '?taskOutput=not-json');
    assert.equal(badQuery.status, 400);
    assert.match(
      ((await badQuery.json()) as { message: string }).message,
      /taskOutput \(query\): must be a JSON object/,
    );

    await executor.terminate(id, 'done with it');
    const finished = await skipTask(id, 'third');
    assert.equal(finished.status, 409);
    assert.match(((await finished.json()) as { message: string }).message, /is cancelled, not running/);

    const twice = String(await executor.startWorkflow({ name: 'three_steps', input: {} }));
    await poll('first', twice);
    assert.equal((await skipTask(twice, 'third')).status, 200);
    const again = await skipTask(twice, 'third');
    assert.equal(again.status, 409);
    assert.match(((await again.json()) as { message: string }).message, /already skipped task 'third'/);
    await executor.terminate(twice, 'done with it');
  });

  it('keeps a skip across restarts: made before the run reaches the task, and replayed after it did', async () => {
    const id = String(await executor.startWorkflow({ name: 'three_steps', input: {} }));
    const first = await poll('first', id);
    await executor.skipTasksFromWorkflow(id, 'second', { taskOutput: { v: 42 } });

    // The skip is read back from the log by a new server.
    await server.close();
    await open();
    await complete(first, {});
    const third = await poll('third', id);
    assert.deepEqual(third.inputData, { v: 42 });

    // The run replays past the skipped task (from the same position) and carries on.
    await server.close();
    await open();
    await complete(third, { v: 43 });
    const workflow = await settled(id);
    assert.equal(workflow.status, 'COMPLETED', workflow.reasonForIncompletion);
    assert.deepEqual(workflow.output, { v: 43, skippedInput: null });
    assert.equal(workflow.tasks?.find((task) => task.referenceTaskName === 'second')?.status, 'SKIPPED');
  });
});
