// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/**
 * Netflix Conductor's own JavaScript SDK (`@io-orkes/conductor-javascript`, unchanged) against
 * `tutti server`: its TaskManager workers poll and report over `/api/tasks/…`, its
 * WorkflowExecutor registers, starts and reads workflows over `/api/metadata/…` and
 * `/api/workflow/…`. Runs seed 004's encode_and_deploy and a fork/join.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import {
  type ConductorWorker,
  createConductorClient,
  TaskManager,
  type Workflow,
  WorkflowExecutor,
} from '@io-orkes/conductor-javascript';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { tempDbPath } from '../helpers/temp-db.js';

const db = tempDbPath('tutti-conductor-sdk-');
const encodeAndDeploy = JSON.parse(
  readFileSync(new URL('../../examples/encode-and-deploy/encode_and_deploy.json', import.meta.url), 'utf8'),
);
const fanOut = {
  name: 'notify_all',
  version: 1,
  schemaVersion: 2,
  timeoutSeconds: 0, // no timeout, in Conductor's terms
  tasks: [
    {
      name: 'fork',
      taskReferenceName: 'fork',
      type: 'FORK_JOIN',
      forkTasks: [
        [
          {
            name: 'send_email',
            taskReferenceName: 'email',
            type: 'SIMPLE',
            inputParameters: { to: '${workflow.input.user}' },
          },
        ],
        [
          {
            name: 'send_sms',
            taskReferenceName: 'sms',
            type: 'SIMPLE',
            inputParameters: { to: '${workflow.input.user}' },
          },
        ],
      ],
    },
    { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: ['email', 'sms'] },
  ],
  outputParameters: { email: '${email.output.sent}', sms: '${sms.output.sent}' },
};

const silent = { info() {}, error() {}, debug() {}, warn() {} };

describe("Conductor's JavaScript SDK against tutti server", () => {
  let server: TuttiServer;
  let client: Awaited<ReturnType<typeof createConductorClient>>;
  let executor: WorkflowExecutor;
  const executed: string[] = [];
  const workers: ConductorWorker[] = [
    {
      taskDefName: 'encode',
      execute: async (task) => {
        executed.push(`encode:${task.workflowInstanceId}`);
        return { status: 'COMPLETED', outputData: { encodeLocation: `${task.inputData?.fileLocation}.enc` } };
      },
    },
    {
      taskDefName: 'deploy',
      execute: async (task) => {
        executed.push(`deploy:${task.workflowInstanceId}`);
        return { status: 'COMPLETED', outputData: { location: `https://cdn/${task.inputData?.fileLocation}` } };
      },
    },
    {
      taskDefName: 'send_email',
      execute: async (task) => ({ status: 'COMPLETED', outputData: { sent: `email to ${task.inputData?.to}` } }),
    },
    {
      taskDefName: 'send_sms',
      execute: async (task) => ({ status: 'COMPLETED', outputData: { sent: `sms to ${task.inputData?.to}` } }),
    },
  ];
  let manager: TaskManager;

  before(async () => {
    server = await startServer({ db: db.path, port: 0, auth: false });
    client = await createConductorClient({ serverUrl: `${server.url}/api` });
    executor = new WorkflowExecutor(client);
    manager = new TaskManager(client, workers, {
      logger: silent,
      options: { pollInterval: 20, concurrency: 2, workerID: 'sdk-worker' },
    });
    manager.startPolling();
  });
  after(async () => {
    await manager?.stopPolling();
    await server?.close();
    db.remove();
  });

  async function finished(id: string): Promise<Workflow> {
    for (let i = 0; i < 400; i++) {
      const workflow = await executor.getWorkflow(id, true);
      if (workflow?.status !== 'RUNNING') return workflow as Workflow;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.fail(`workflow ${id} is still RUNNING`);
  }

  it('registers and runs encode_and_deploy with the SDK’s workers', async () => {
    await executor.registerWorkflow(true, encodeAndDeploy);
    const id = await executor.startWorkflow({ name: 'encode_and_deploy', input: { fileLocation: 'movie.mp4' } });
    assert.match(String(id), /^[0-9a-f-]{36}$/);
    const workflow = await finished(String(id));
    assert.equal(workflow.status, 'COMPLETED');
    assert.deepEqual(workflow.output, { cdn_url: 'https://cdn/movie.mp4.enc' });
    assert.deepEqual(
      workflow.tasks?.map((t) => [t.referenceTaskName, t.status]),
      [
        ['encode', 'COMPLETED'],
        ['d1', 'COMPLETED'],
      ],
    );
    assert.deepEqual(executed, [`encode:${id}`, `deploy:${id}`], 'each task ran once');
    const status = await executor.getWorkflowStatus(String(id), true, false);
    assert.equal(status?.status, 'COMPLETED');
  });

  it('runs a fork/join whose branches are polled by two task types', async () => {
    await executor.registerWorkflow(false, fanOut);
    const id = await executor.startWorkflow({ name: 'notify_all', version: 1, input: { user: 'ann' } });
    const workflow = await finished(String(id));
    assert.equal(workflow.status, 'COMPLETED');
    assert.deepEqual(workflow.output, { email: 'email to ann', sms: 'sms to ann' });
  });

  it('terminates a run, and reads definitions back through the metadata API', async () => {
    const id = String(await executor.startWorkflow({ name: 'encode_and_deploy', input: { fileLocation: 'x' } }));
    await manager.stopPolling();
    const waiting = await executor.startWorkflow({ name: 'encode_and_deploy', input: { fileLocation: 'never' } });
    await executor.terminate(String(waiting), 'no longer wanted');
    const terminated = await executor.getWorkflow(String(waiting), false);
    assert.equal(terminated?.status, 'TERMINATED');
    manager.startPolling();
    assert.equal((await finished(id)).status, 'COMPLETED');

    const defs = (await fetch(`${server.url}/api/metadata/workflow/encode_and_deploy`).then((r) => r.json())) as {
      name: string;
    };
    assert.equal(defs.name, 'encode_and_deploy');
  });

  it("answers Conductor's ErrorResponse for mistakes, and 200 [] for an empty batch poll", async () => {
    const missing = await fetch(`${server.url}/api/workflow/no-such-id`);
    assert.equal(missing.status, 404);
    const body = (await missing.json()) as { status: number; message: string };
    assert.equal(body.status, 404);
    assert.match(body.message, /no workflow 'no-such-id'/);

    const empty = await fetch(`${server.url}/api/tasks/poll/batch/nobody_polls_this?count=5&timeout=10`);
    assert.equal(empty.status, 200);
    assert.deepEqual(await empty.json(), []);

    const unknown = await fetch(`${server.url}/api/workflow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'not_registered' }),
    });
    assert.equal(unknown.status, 404);
    assert.match(((await unknown.json()) as { message: string }).message, /not_registered/);

    const badResult = await fetch(`${server.url}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ taskId: 'x', status: 'DONE' }),
    });
    assert.equal(badResult.status, 400);
    assert.match(
      ((await badResult.json()) as { message: string }).message,
      /^status: "DONE" is not one of IN_PROGRESS, COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR$/,
    );

    // An idempotency key starts a workflow once.
    const startOnce = (strategy?: string) =>
      fetch(`${server.url}/api/workflow`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: 'notify_all',
          input: { to: 'ops' },
          idempotencyKey: 'order-77',
          idempotencyStrategy: strategy,
        }),
      });
    const first = await startOnce();
    assert.equal(first.status, 200);
    const firstId = await first.text();
    const again = await startOnce('FAIL');
    assert.equal(again.status, 409);
    assert.match(
      ((await again.json()) as { message: string }).message,
      new RegExp(`^idempotencyKey: workflow '${firstId}' was already started with key 'order-77'`),
    );
    const existing = await startOnce('RETURN_EXISTING');
    assert.equal(existing.status, 200);
    assert.equal(await existing.text(), firstId);
    const onRunning = await startOnce('FAIL_ON_RUNNING');
    assert.equal(onRunning.status, 400);
    assert.match(
      ((await onRunning.json()) as { message: string }).message,
      /^idempotencyStrategy: FAIL_ON_RUNNING is not supported/,
    );

    // A payload in external storage is refused, not run on nothing.
    const external = await fetch(`${server.url}/api/workflow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'encode_and_deploy', externalInputPayloadStoragePath: 'workflow/input/1.json' }),
    });
    assert.equal(external.status, 400);
    assert.match(
      ((await external.json()) as { message: string }).message,
      /^externalInputPayloadStoragePath: external payload storage is not supported; send the input inline/,
    );
    const externalOutput = await fetch(`${server.url}/api/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        taskId: 'x',
        status: 'COMPLETED',
        externalOutputPayloadStoragePath: 'task/output/1.json',
      }),
    });
    assert.equal(externalOutput.status, 400);
    assert.match(((await externalOutput.json()) as { message: string }).message, /^externalOutputPayloadStoragePath: /);
  });
});
