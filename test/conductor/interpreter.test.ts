// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/** Conductor definitions run on the engine: seed 004 unchanged, control flow, retries, sub-workflows, waits, restarts. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { loadDefinition, type WorkflowDef } from '../../src/conductor/index.js';
import { conductorWorkflow, defineTaskWorkers } from '../../src/conductor/run/index.js';
import { createTutti, RunFailedError } from '../../src/index.js';
import { tempDbPath } from '../helpers/temp-db.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

test("seed 004's encode_and_deploy runs unchanged: inputs flow by expression, the output is the definition's", async () => {
  const def = loadDefinition(fixture('encode_and_deploy.json'));
  const calls: string[] = [];
  const workers = defineTaskWorkers({
    encode: ({ fileLocation }) => {
      calls.push(`encode ${fileLocation}`);
      return { encodeLocation: `${fileLocation}.mp4` };
    },
    deploy: ({ fileLocation }) => {
      calls.push(`deploy ${fileLocation}`);
      return { location: `https://cdn.example/${fileLocation}` };
    },
  });
  const tutti = await createTutti({
    store: 'memory:',
    services: workers.services,
    workflows: [conductorWorkflow(def, { workers })],
  });
  try {
    const run = await tutti.start('encode_and_deploy', { fileLocation: 's3://raw/take-1' });
    assert.deepEqual(await run.result(), { cdn_url: 'https://cdn.example/s3://raw/take-1.mp4' });
    assert.deepEqual(calls, ['encode s3://raw/take-1', 'deploy s3://raw/take-1.mp4']);
  } finally {
    await tutti.close();
  }
});

const flow: WorkflowDef = {
  name: 'release',
  version: 2,
  schemaVersion: 2,
  tasks: [
    {
      name: 'set',
      taskReferenceName: 'set',
      type: 'SET_VARIABLE',
      inputParameters: { channel: '${workflow.input.channel}' },
    },
    {
      name: 'fork',
      taskReferenceName: 'fork',
      type: 'FORK_JOIN',
      forkTasks: [
        [
          {
            name: 'master',
            taskReferenceName: 'audio',
            type: 'SIMPLE',
            inputParameters: { take: '${workflow.input.take}' },
          },
        ],
        [
          {
            name: 'artwork',
            taskReferenceName: 'art',
            type: 'SIMPLE',
            inputParameters: { title: '${workflow.input.title}' },
          },
        ],
      ],
    },
    { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: ['audio', 'art'] },
    {
      name: 'route',
      taskReferenceName: 'route',
      type: 'SWITCH',
      evaluatorType: 'value-param',
      expression: 'channel',
      inputParameters: { channel: '${workflow.variables.channel}' },
      decisionCases: {
        vinyl: [
          {
            name: 'press',
            taskReferenceName: 'press',
            type: 'SIMPLE',
            inputParameters: { audio: '${audio.output.file}' },
          },
        ],
        nowhere: [
          {
            name: 'stop',
            taskReferenceName: 'stop',
            type: 'TERMINATE',
            inputParameters: { terminationStatus: 'FAILED', terminationReason: 'no such channel' },
          },
        ],
      },
      defaultCase: [
        {
          name: 'stream',
          taskReferenceName: 'stream',
          type: 'SIMPLE',
          inputParameters: { audio: '${audio.output.file}' },
        },
      ],
    },
  ],
  outputParameters: {
    joined: '${join.output}',
    route: '${route.output.evaluationResult[0]}',
    channel: '${workflow.variables.channel}',
  },
};

function releaseWorkers(calls: string[]) {
  return defineTaskWorkers({
    master: ({ take }) => ({ file: `${take}.wav` }),
    artwork: ({ title }) => ({ cover: `${title}.png` }),
    press: ({ audio }) => {
      calls.push(`press ${audio}`);
      return { pressed: true };
    },
    stream: ({ audio }) => {
      calls.push(`stream ${audio}`);
      return { streamed: true };
    },
  });
}

test('fork/join, set-variable and switch take the path the input selects; TERMINATE FAILED fails the run', async () => {
  const calls: string[] = [];
  const workers = releaseWorkers(calls);
  const tutti = await createTutti({
    store: 'memory:',
    services: workers.services,
    workflows: [conductorWorkflow(flow, { workers })],
  });
  try {
    const vinyl = await tutti.start('release', { channel: 'vinyl', take: 't1', title: 'Blue' });
    assert.deepEqual(await vinyl.result(), {
      joined: { audio: { file: 't1.wav' }, art: { cover: 'Blue.png' } },
      route: 'vinyl',
      channel: 'vinyl',
    });
    const radio = await tutti.start('release', { channel: 'radio', take: 't2', title: 'Red' });
    assert.equal(((await radio.result()) as { route: string }).route, 'radio');
    assert.deepEqual(calls, ['press t1.wav', 'stream t2.wav'], 'the default case for an unknown channel');
    const stopped = await tutti.start('release', { channel: 'nowhere', take: 't3', title: 'Grey' });
    await assert.rejects(stopped.result(), (error: unknown) => {
      assert.ok(error instanceof RunFailedError);
      assert.match(
        String((error.cause as Error)?.message ?? error.message),
        /terminated by task 'stop': no such channel/,
      );
      return true;
    });
  } finally {
    await tutti.close();
  }
});

test("a task definition's retries apply: retryCount more attempts, then the run fails", async () => {
  let attempts = 0;
  const workers = defineTaskWorkers({
    flaky: () => {
      attempts++;
      if (attempts < 3) throw new Error(`attempt ${attempts} failed`);
      return { ok: true };
    },
  });
  const def = (retryCount: number): WorkflowDef => ({
    name: `retrying-${retryCount}`,
    version: 1,
    schemaVersion: 2,
    tasks: [
      {
        name: 'flaky',
        taskReferenceName: 'flaky',
        type: 'SIMPLE',
        taskDefinition: { name: 'flaky', retryCount, retryLogic: 'FIXED', retryDelaySeconds: 0, timeoutSeconds: 60 },
      },
    ],
    outputParameters: { ok: '${flaky.output.ok}' },
  });
  const tutti = await createTutti({
    store: 'memory:',
    services: workers.services,
    workflows: [conductorWorkflow(def(2), { workers }), conductorWorkflow(def(0), { workers })],
  });
  try {
    assert.deepEqual(await (await tutti.start('retrying-2', {})).result(), { ok: true });
    assert.equal(attempts, 3);
    attempts = 0;
    await assert.rejects((await tutti.start('retrying-0', {})).result(), RunFailedError);
    assert.equal(attempts, 1, 'retryCount 0: one attempt');
  } finally {
    await tutti.close();
  }
});

test('what cannot run is refused when the workflow is built, naming the task and the fix', () => {
  const workers = defineTaskWorkers({});
  const seed = loadDefinition(fixture('encode_and_deploy.json'));
  assert.throws(() => conductorWorkflow(seed, { workers }), /no worker for task 'encode' \(tasks\[0\]\)/);
  const both = defineTaskWorkers({ encode: () => ({}), deploy: () => ({}) });
  const linear = structuredClone(seed);
  (linear.tasks[0] as { taskDefinition?: object }).taskDefinition = {
    name: 'encode',
    retryLogic: 'LINEAR_BACKOFF',
    backoffScaleFactor: 0,
    timeoutSeconds: 1,
  };
  assert.throws(
    () => conductorWorkflow(linear, { workers: both }),
    /task 'encode' \(tasks\[0\]\): 'backoffScaleFactor' must be a whole number, 1 or more, but is 0/,
  );
  const sqs = structuredClone(seed);
  sqs.tasks.push({ name: 'notify', taskReferenceName: 'notify', type: 'EVENT', sink: 'sqs:deployed' });
  assert.throws(
    () => conductorWorkflow(sqs, { workers: both }),
    /task 'notify' \(tasks\[2\]\) sink 'sqs:deployed' is another broker's; Tutti publishes on its own bus: use 'tutti:<event type>'/,
  );
});

test('a sub-workflow runs as a child run; a WAIT task waits durably for its signal, across a restart', async () => {
  const db = tempDbPath();
  const calls: string[] = [];
  const child: WorkflowDef = {
    name: 'mastering',
    version: 1,
    schemaVersion: 2,
    tasks: [
      { name: 'master', taskReferenceName: 'm', type: 'SIMPLE', inputParameters: { take: '${workflow.input.take}' } },
    ],
    outputParameters: { file: '${m.output.file}' },
  };
  const parent: WorkflowDef = {
    name: 'album',
    version: 1,
    schemaVersion: 2,
    tasks: [
      {
        name: 'sub',
        taskReferenceName: 'sub',
        type: 'SUB_WORKFLOW',
        subWorkflowParam: { name: 'mastering', version: 1 },
        inputParameters: { take: '${workflow.input.take}' },
      },
      { name: 'approval', taskReferenceName: 'approval', type: 'WAIT' },
      {
        name: 'stream',
        taskReferenceName: 'stream',
        type: 'SIMPLE',
        inputParameters: { audio: '${sub.output.file}', by: '${approval.output.by}' },
      },
    ],
    outputParameters: { approvedBy: '${approval.output.by}', file: '${sub.output.file}' },
  };
  const open = async () => {
    const workers = defineTaskWorkers({
      master: ({ take }) => {
        calls.push(`master ${take}`);
        return { file: `${take}.wav` };
      },
      stream: ({ audio, by }) => {
        calls.push(`stream ${audio} (${by})`);
        return {};
      },
    });
    const mastering = conductorWorkflow(child, { workers });
    const album = conductorWorkflow(parent, {
      workers,
      subWorkflow: (name) => (name === 'mastering' ? mastering : undefined),
    });
    return createTutti({ store: `sqlite:${db.path}`, services: workers.services, workflows: [mastering, album] });
  };
  try {
    let tutti = await open();
    await tutti.start('album', { take: 'take-7' }, { id: 'album-1' });
    while (!calls.includes('master take-7')) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await tutti.close();
    tutti = await open();
    await tutti.signal('album-1', 'approval', { by: 'ann' });
    assert.deepEqual(await (await tutti.handle('album-1')).result(), { approvedBy: 'ann', file: 'take-7.wav' });
    assert.deepEqual(calls, ['master take-7', 'stream take-7.wav (ann)'], 'nothing before the wait ran again');
    await tutti.close();
  } finally {
    db.remove();
  }
});

test('an optional task that fails for good is COMPLETED_WITH_ERRORS and the workflow carries on', async () => {
  const workers = defineTaskWorkers({
    lyrics: () => {
      throw new Error('no lyrics service');
    },
    master: () => ({ file: 'take.wav' }),
  });
  const def: WorkflowDef = {
    name: 'single',
    version: 1,
    schemaVersion: 2,
    tasks: [
      {
        name: 'lyrics',
        taskReferenceName: 'lyrics',
        type: 'SIMPLE',
        optional: true,
        taskDefinition: { name: 'lyrics', retryCount: 0, timeoutSeconds: 60 },
      },
      { name: 'master', taskReferenceName: 'master', type: 'SIMPLE' },
    ],
    outputParameters: { lyrics: '${lyrics.status}', file: '${master.output.file}' },
  };
  const tutti = await createTutti({
    store: 'memory:',
    services: workers.services,
    workflows: [conductorWorkflow(def, { workers })],
  });
  try {
    assert.deepEqual(await (await tutti.start('single', {})).result(), {
      lyrics: 'COMPLETED_WITH_ERRORS',
      file: 'take.wav',
    });
  } finally {
    await tutti.close();
  }
});
