// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/**
 * Skips in the interpreter (src/conductor/run/task-skips.ts): a skip applies the first time its
 * task is reached at or after the journal position it was made at, never to a task reached
 * before it, and never twice (a loop's next iteration runs the task).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkflowDef, WorkflowTask } from '../../src/conductor/index.js';
import {
  conductorWorkflow,
  defineTaskWorkers,
  type TaskEvent,
  type TaskWorker,
} from '../../src/conductor/run/index.js';
import type { TaskSkip } from '../../src/conductor/run/task-skips.js';
import { createTutti } from '../../src/index.js';

const simple = (name: string, inputParameters: Record<string, string> = {}): WorkflowTask => ({
  name,
  taskReferenceName: name,
  type: 'SIMPLE',
  inputParameters,
});
const flow = (tasks: WorkflowTask[]): WorkflowDef =>
  ({ name: 'flow', version: 1, schemaVersion: 2, tasks, outputParameters: { v: '${last.output.v}' } }) as WorkflowDef;

async function run(def: WorkflowDef, skips: TaskSkip[]) {
  const called: string[] = [];
  const statuses: Record<string, string[]> = {};
  const worker =
    (name: string): TaskWorker =>
    async (input) => {
      called.push(name);
      return { v: input.v ?? name };
    };
  const workers = defineTaskWorkers({ first: worker('first'), second: worker('second'), last: worker('last') });
  const onTask = (event: TaskEvent) => {
    statuses[event.taskReferenceName] = [...(statuses[event.taskReferenceName] ?? []), event.status];
  };
  const byRef = new Map(skips.map((skip) => [skip.taskReferenceName, skip]));
  const tutti = await createTutti({
    store: 'memory:',
    services: workers.services,
    workflows: [conductorWorkflow(def, { workers, onTask, skips: async () => byRef })],
  });
  try {
    const output = await (await tutti.start('flow', {})).result();
    return { output, called, statuses };
  } finally {
    await tutti.close();
    await workers.close();
  }
}

const skip = (ref: string, from: number, taskOutput = { v: 'skipped' }): TaskSkip => ({
  taskReferenceName: ref,
  from,
  taskInput: {},
  taskOutput,
});

test('a skip made before the task is reached: the task does not run and shows the output given', async () => {
  const def = flow([simple('first'), simple('second'), simple('last', { v: '${second.output.v}' })]);
  // 'first' takes position 0: 'second' is reached at position 1.
  const { output, called, statuses } = await run(def, [skip('second', 1)]);
  assert.deepEqual(called, ['first', 'last']);
  assert.deepEqual(output, { v: 'skipped' });
  assert.deepEqual(statuses.second, ['SKIPPED']);
});

test('a skip made after the task was reached does not apply to it: it ran before the skip existed', async () => {
  const def = flow([simple('first'), simple('second'), simple('last', { v: '${second.output.v}' })]);
  const { output, called } = await run(def, [skip('second', 2)]);
  assert.deepEqual(called, ['first', 'second', 'last']);
  assert.deepEqual(output, { v: 'second' });
});

test("a skip applies once: a loop's next iteration runs the task", async () => {
  const loop: WorkflowTask = {
    name: 'loop',
    taskReferenceName: 'loop',
    type: 'DO_WHILE',
    loopCondition: '$.loop.iteration < 2',
    loopOver: [simple('second')],
  } as WorkflowTask;
  const def = flow([simple('first'), loop, simple('last', { v: '${second.output.v}' })]);
  const { called, statuses } = await run(def, [skip('second', 0)]);
  assert.deepEqual(called, ['first', 'second', 'last']);
  assert.deepEqual(statuses.second, ['SKIPPED', 'COMPLETED']);
});
