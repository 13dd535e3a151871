/**
 * Durable means durable, for remote workers: SIGKILL `tutti server` while workers hold tasks and
 * while results are arriving, start it again, and every run completes with what its workers
 * reported. A result reported before the kill is not lost, a task a worker holds is not handed to
 * another, and no task is executed twice.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { tempDbPath } from '../helpers/temp-db.js';
import { call, serveChild } from './server-child.js';

const RUNS = 20;
const db = tempDbPath('tutti-server-crash-');
after(() => db.remove());
const definition = readFileSync(
  new URL('../../examples/encode-and-deploy/encode_and_deploy.json', import.meta.url),
  'utf8',
);

type Polled = { taskId: string; workflowInstanceId: string; inputData: { fileLocation: string } };
const poll = async (url: string, type: string, workerId: string) =>
  (
    await call(url, 'GET', `/api/tasks/poll/batch/${type}?workerid=${workerId}&count=100&timeout=200`)
  ).json() as Polled[];
const complete = (url: string, task: Polled, workerId: string, outputData: object) =>
  call(url, 'POST', '/api/tasks', {
    taskId: task.taskId,
    workflowInstanceId: task.workflowInstanceId,
    workerId,
    status: 'COMPLETED',
    outputData,
  });

test('a SIGKILLed server keeps held tasks and reported results: every run completes, no task runs twice', {
  timeout: 120_000,
}, async () => {
  let { child, url, exited } = await serveChild(db.path);
  assert.equal((await call(url, 'POST', '/api/metadata/workflow', definition)).status, 200);
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = await call(url, 'POST', '/api/workflow/encode_and_deploy', { fileLocation: `f${i}` });
    ids.push(started.text);
  }
  const claims = new Map<string, number>();
  const claim = (tasks: Polled[]) => {
    for (const t of tasks) claims.set(t.taskId, (claims.get(t.taskId) ?? 0) + 1);
    return tasks;
  };
  let encodes: Polled[] = [];
  while (encodes.length < RUNS) encodes.push(...claim(await poll(url, 'encode', 'encoder')));
  // Half are reported and the server is killed while the reports are still arriving.
  const reports = encodes
    .slice(0, RUNS / 2)
    .map((t) =>
      complete(url, t, 'encoder', { encodeLocation: `${t.inputData.fileLocation}.enc` }).catch(() => undefined),
    );
  await reports[2];
  child.kill('SIGKILL');
  await Promise.all(reports);
  await exited;

  ({ child, url, exited } = await serveChild(db.path));
  try {
    // Another worker gets nothing: the tasks are held by the first, or done.
    assert.deepEqual(claim(await poll(url, 'encode', 'intruder')), []);
    for (const t of encodes) {
      const answer = await complete(url, t, 'encoder', { encodeLocation: `${t.inputData.fileLocation}.enc` });
      // 200 for a task whose report was lost with the kill; 409 for one whose report got in, and
      // 404 for one whose outcome is journaled already (its task is gone).
      assert.ok([200, 404, 409].includes(answer.status), `${answer.status} ${answer.text}`);
    }
    encodes = [];
    let deployed = 0;
    while (deployed < RUNS) {
      for (const t of claim(await poll(url, 'deploy', 'deployer'))) {
        assert.equal((await complete(url, t, 'deployer', { location: `cdn/${t.inputData.fileLocation}` })).status, 200);
        deployed++;
      }
    }
    for (const [i, id] of ids.entries()) {
      let workflow = (await call(url, 'GET', `/api/workflow/${id}`)).json();
      for (let tries = 0; workflow.status === 'RUNNING' && tries < 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        workflow = (await call(url, 'GET', `/api/workflow/${id}`)).json();
      }
      assert.equal(workflow.status, 'COMPLETED', id);
      assert.deepEqual(workflow.output, { cdn_url: `cdn/f${i}.enc` });
    }
    assert.deepEqual(
      [...claims.values()].filter((n) => n !== 1),
      [],
      'every task was handed out once',
    );
    assert.equal(claims.size, RUNS * 2);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});
