// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/**
 * Durable means durable, for Conductor's skip task: SIGKILL `tutti server` while skip requests
 * are arriving, start it again, and every run completes. A skip the server acknowledged applies
 * (the skipped task never reaches a worker); a skip cut off by the kill applies or not, but never
 * half: no run is left held or fails on a replay that disagrees with its journal.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { tempDbPath } from '../helpers/temp-db.js';
import { call, serveChild } from './server-child.js';

const RUNS = 12;
const db = tempDbPath('tutti-skip-crash-');
after(() => db.remove());
const definition = {
  name: 'skippable',
  version: 1,
  schemaVersion: 2,
  timeoutSeconds: 0,
  tasks: [
    { name: 'sk_a', taskReferenceName: 'a', type: 'SIMPLE' },
    { name: 'sk_b', taskReferenceName: 'b', type: 'SIMPLE' },
    { name: 'sk_c', taskReferenceName: 'c', type: 'SIMPLE', inputParameters: { v: '${b.output.v}' } },
  ],
  outputParameters: { v: '${c.output.v}' },
};

type Polled = { taskId: string; workflowInstanceId: string; inputData: { v?: string } };
const poll = async (url: string, type: string) =>
  (await call(url, 'GET', `/api/tasks/poll/batch/${type}?workerid=w&count=100&timeout=100`)).json() as Polled[];
const complete = (url: string, task: Polled, outputData: object) =>
  call(url, 'POST', '/api/tasks', {
    taskId: task.taskId,
    workflowInstanceId: task.workflowInstanceId,
    workerId: 'w',
    status: 'COMPLETED',
    outputData,
  });

test('a SIGKILLed server keeps every acknowledged skip, and no run is left held or diverges', {
  timeout: 120_000,
}, async () => {
  let { child, url, exited } = await serveChild(db.path);
  assert.equal((await call(url, 'POST', '/api/metadata/workflow', definition)).status, 200);
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) ids.push((await call(url, 'POST', '/api/workflow/skippable', {})).text);
  const firsts: Polled[] = [];
  while (firsts.length < RUNS) firsts.push(...(await poll(url, 'sk_a')));

  // Skips for every run at once; the server is killed once a few are acknowledged.
  const acknowledged = new Set<string>();
  const skips = ids.map((id) =>
    call(url, 'PUT', `/api/workflow/${id}/skiptask/b`, { taskOutput: { v: `skipped-${id}` } })
      .then((answer) => {
        if (answer.status === 200) acknowledged.add(id);
        else assert.fail(`${answer.status} ${answer.text}`);
      })
      .catch((error: unknown) => {
        if (error instanceof assert.AssertionError) throw error;
      }),
  );
  while (acknowledged.size < 3) await new Promise((resolve) => setTimeout(resolve, 1));
  child.kill('SIGKILL');
  await Promise.all(skips);
  await exited;

  ({ child, url, exited } = await serveChild(db.path));
  try {
    for (const task of firsts) {
      const answer = await complete(url, task, {});
      assert.ok([200, 404].includes(answer.status), `${answer.status} ${answer.text}`);
    }
    const outputs = new Map<string, string>();
    for (let round = 0; outputs.size < RUNS && round < 500; round++) {
      for (const task of await poll(url, 'sk_b')) {
        assert.ok(!acknowledged.has(task.workflowInstanceId), `acknowledged skip of ${task.workflowInstanceId} lost`);
        assert.equal((await complete(url, task, { v: 'ran' })).status, 200);
      }
      for (const task of await poll(url, 'sk_c')) {
        assert.equal((await complete(url, task, { v: task.inputData.v })).status, 200);
      }
      for (const id of ids) {
        if (outputs.has(id)) continue;
        const workflow = (await call(url, 'GET', `/api/workflow/${id}`)).json();
        if (workflow.status === 'RUNNING') continue;
        assert.equal(workflow.status, 'COMPLETED', `${id}: ${workflow.reasonForIncompletion}`);
        outputs.set(id, workflow.output.v);
      }
    }
    assert.equal(outputs.size, RUNS, 'every run completed (none left held)');
    for (const id of ids) {
      const v = outputs.get(id);
      if (acknowledged.has(id)) assert.equal(v, `skipped-${id}`);
      else assert.ok(v === 'ran' || v === `skipped-${id}`, `${id}: ${v}`);
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});
