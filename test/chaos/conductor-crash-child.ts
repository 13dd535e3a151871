// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
// Run by conductor-crash.test.ts as a child process that gets SIGKILLed.
//   conductor-crash-child.ts <db> <runs.log> <count>
// Runs a Conductor definition with a script, parallel branches of different lengths and a loop,
// as runs run-0…run-<count-1> (started idempotently: a restarted child starts them all again),
// and waits for them all. Each worker appends its label ("<run>/<ref>/<iteration>") to runs.log
// synchronously before it returns: a label that is there ran, whether or not its step was journaled.
import { appendFileSync } from 'node:fs';
import type { WorkflowDef } from '../../src/conductor/index.js';
import { conductorWorkflow, defineTaskWorkers, type TaskWorker } from '../../src/conductor/run/index.js';
import { createTutti } from '../../src/index.js';

const [db, runs, count] = process.argv.slice(2) as [string, string, string];

export const definition: WorkflowDef = {
  name: 'crash_media',
  version: 1,
  schemaVersion: 2,
  tasks: [
    {
      name: 'plan',
      taskReferenceName: 'plan',
      type: 'INLINE',
      inputParameters: { evaluatorType: 'javascript', expression: '$.take * 2', take: '${workflow.input.take}' },
    },
    {
      name: 'renditions',
      taskReferenceName: 'renditions',
      type: 'FORK_JOIN',
      forkTasks: [
        [
          {
            name: 'work',
            taskReferenceName: 'encode_720',
            type: 'SIMPLE',
            inputParameters: { label: '${workflow.workflowId}/encode_720/0', from: '${plan.output.result}' },
          },
          {
            name: 'work',
            taskReferenceName: 'thumb',
            type: 'SIMPLE',
            inputParameters: { label: '${workflow.workflowId}/thumb/0', from: '${encode_720.output.label}' },
          },
        ],
        [
          {
            name: 'work',
            taskReferenceName: 'encode_1080',
            type: 'SIMPLE',
            inputParameters: { label: '${workflow.workflowId}/encode_1080/0', from: '${plan.output.result}' },
          },
          {
            name: 'work',
            taskReferenceName: 'captions',
            type: 'SIMPLE',
            inputParameters: { label: '${workflow.workflowId}/captions/0', from: '${encode_1080.output.label}' },
          },
        ],
      ],
    },
    { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: ['thumb', 'captions'] },
    {
      name: 'publish_loop',
      taskReferenceName: 'loop',
      type: 'DO_WHILE',
      loopCondition: '$.loop.iteration < 3',
      inputParameters: {},
      loopOver: [
        {
          name: 'work',
          taskReferenceName: 'publish',
          type: 'SIMPLE',
          inputParameters: {
            label: '${workflow.workflowId}/publish/${loop.output.iteration}',
            from: '${join.output.thumb.label}',
          },
        },
      ],
    },
  ],
  outputParameters: {
    thumb: '${thumb.output}',
    hd: '${encode_1080.output}',
    captions: '${captions.output}',
    last: '${publish.output}',
  },
};

const work: TaskWorker = async ({ label, from }) => {
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 8));
  appendFileSync(runs, `${label}\n`);
  return { label: label as string, from: from ?? null };
};

if (db) {
  const workers = defineTaskWorkers({ work });
  const tutti = await createTutti({
    store: `sqlite:${db}`,
    services: workers.services,
    workflows: [conductorWorkflow(definition, { workers })],
  });
  const handles = [];
  for (let i = 0; i < Number(count); i++)
    handles.push(await tutti.start('crash_media', { take: i }, { id: `run-${i}` }));
  await Promise.all(handles.map((handle) => handle.result()));
  await tutti.close();
  await workers.close();
}
