// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/**
 * Conductor's system tasks on the engine: INLINE, JSON_JQ_TRANSFORM, SWITCH with a script,
 * DO_WHILE, FORK_JOIN_DYNAMIC, DYNAMIC, WAIT for a duration, EVENT, HTTP, LINEAR_BACKOFF.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { WorkflowDef, WorkflowTask } from '../../src/conductor/index.js';
import { conductorWorkflow, defineTaskWorkers, type TaskWorker } from '../../src/conductor/run/index.js';
import { createTutti, RunFailedError } from '../../src/index.js';

function definition(tasks: WorkflowTask[], extra: Partial<WorkflowDef> = {}): WorkflowDef {
  return { name: 'flow', version: 1, schemaVersion: 2, tasks, ...extra } as WorkflowDef;
}

/** Runs `def` to its end on a memory store; the output, or the failure. */
async function run(def: WorkflowDef, workers: Record<string, TaskWorker> = {}, input: object = {}) {
  const taskWorkers = defineTaskWorkers(workers);
  const tutti = await createTutti({
    store: 'memory:',
    services: taskWorkers.services,
    workflows: [conductorWorkflow(def, { workers: taskWorkers })],
  });
  try {
    const handle = await tutti.start(def.name, input);
    const output = await handle.result().catch((error: unknown) => ({ failed: error as RunFailedError }));
    const state = await tutti.store.readRunState(handle.id);
    return { output, journal: state?.journal ?? [], tutti };
  } finally {
    await tutti.close();
    await taskWorkers.close();
  }
}

describe('scripts', () => {
  test('INLINE runs its script in the sandbox over its inputs; the result is journaled as a system step', async () => {
    const { output, journal } = await run(
      definition(
        [
          {
            name: 'price',
            taskReferenceName: 'price',
            type: 'INLINE',
            inputParameters: {
              evaluatorType: 'javascript',
              expression: '(function () { return $.items.reduce((sum, i) => sum + i.price, 0) * (1 + $.vat); })()',
              items: '${workflow.input.items}',
              vat: 0.25,
            },
          },
        ],
        { outputParameters: { total: '${price.output.result}' } },
      ),
      {},
      { items: [{ price: 8 }, { price: 12 }] },
    );
    assert.deepEqual(output, { total: 25 });
    assert.deepEqual(
      journal.map((entry) => entry.name),
      ['conductor-system.inline'],
    );
  });

  test('JSON_JQ_TRANSFORM runs real jq; its result and resultList feed later tasks', async () => {
    const { output } = await run(
      definition(
        [
          {
            name: 'merge',
            taskReferenceName: 'merge',
            type: 'JSON_JQ_TRANSFORM',
            inputParameters: {
              a: '${workflow.input.a}',
              b: ['x'],
              queryExpression: '.a + .b | map(ascii_upcase)',
            },
          },
        ],
        { outputParameters: { merged: '${merge.output.result}', all: '${merge.output.resultList}' } },
      ),
      {},
      { a: ['p', 'q'] },
    );
    assert.deepEqual(output, { merged: ['P', 'Q', 'X'], all: [['P', 'Q', 'X']] });
  });

  test('a SWITCH with a javascript evaluator takes the case its script names; an INLINE that throws fails the run', async () => {
    const sized = (size: number) =>
      run(
        definition(
          [
            {
              name: 'route',
              taskReferenceName: 'route',
              type: 'SWITCH',
              evaluatorType: 'javascript',
              expression: '$.size > 10 ? "big" : "small"',
              inputParameters: { size: '${workflow.input.size}' },
              decisionCases: {
                big: [{ name: 'big', taskReferenceName: 'big', type: 'SIMPLE' }],
              },
              defaultCase: [{ name: 'small', taskReferenceName: 'small', type: 'SIMPLE' }],
            },
          ],
          { outputParameters: { took: '${route.output.evaluationResult}' } },
        ),
        { big: () => ({}), small: () => ({}) },
        { size },
      );
    assert.deepEqual((await sized(12)).output, { took: ['big'] });
    assert.deepEqual((await sized(3)).output, { took: ['small'] });

    const { output } = await run(
      definition([
        {
          name: 'bad',
          taskReferenceName: 'bad',
          type: 'INLINE',
          inputParameters: { evaluatorType: 'javascript', expression: 'throw new Error("no price")' },
        },
      ]),
    );
    const failed = (output as { failed: RunFailedError }).failed;
    assert.ok(failed instanceof RunFailedError);
    assert.match(String((failed.cause as Error).message), /task 'bad' \(javascript\).*no price/);
  });

  test('DO_WHILE repeats its tasks while the condition holds; its output keeps each iteration', async () => {
    const seen: number[] = [];
    const { output } = await run(
      definition(
        [
          {
            name: 'loop',
            taskReferenceName: 'loop',
            type: 'DO_WHILE',
            inputParameters: { max: '${workflow.input.max}' },
            loopCondition: '$.loop.iteration < $.max && $.count.count < 100',
            loopOver: [
              {
                name: 'count',
                taskReferenceName: 'count',
                type: 'SIMPLE',
                inputParameters: { iteration: '${loop.output.iteration}' },
              },
            ],
          },
        ],
        { outputParameters: { iterations: '${loop.output.iteration}', second: '${loop.output.2.count}' } },
      ),
      {
        count: ({ iteration }) => {
          seen.push(iteration as number);
          return { count: (iteration as number) * 10 };
        },
      },
      { max: 3 },
    );
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(output, { iterations: 3, second: { count: 20 } });
  });
});

test('a script that loops forever is stopped at its time limit and fails its run; another run goes on meanwhile', async () => {
  const taskWorkers = defineTaskWorkers({ tick: () => ({ ok: true }) }, { system: { scripts: { timeoutMs: 300 } } });
  const spin = definition(
    [
      {
        name: 'spin',
        taskReferenceName: 'spin',
        type: 'INLINE',
        inputParameters: { evaluatorType: 'javascript', expression: 'while (true) {}' },
      },
    ],
    { name: 'spin' },
  );
  const steady = definition([{ name: 'tick', taskReferenceName: 'tick', type: 'SIMPLE' }], { name: 'steady' });
  const tutti = await createTutti({
    store: 'memory:',
    services: taskWorkers.services,
    workflows: [conductorWorkflow(spin, { workers: taskWorkers }), conductorWorkflow(steady, { workers: taskWorkers })],
  });
  try {
    const spinning = await tutti.start('spin', {});
    const other = await tutti.start('steady', {});
    assert.deepEqual(await other.result(), {});
    const error = await spinning.result().then(
      () => assert.fail('the loop should be stopped'),
      (e: RunFailedError) => e,
    );
    assert.match(
      String((error.cause as Error).message),
      /task 'spin' \(javascript\).*did not finish within 300 ms and was stopped/,
    );
  } finally {
    await tutti.close();
    await taskWorkers.close();
  }
});

describe('tasks decided while running', () => {
  test('FORK_JOIN_DYNAMIC forks the tasks its input lists; the JOIN after it collects each one', async () => {
    const { output } = await run(
      definition(
        [
          {
            name: 'plan',
            taskReferenceName: 'plan',
            type: 'INLINE',
            inputParameters: {
              evaluatorType: 'javascript',
              expression:
                '({ tasks: $.sizes.map((h) => ({ name: "encode", taskReferenceName: "encode_" + h })), inputs: Object.fromEntries($.sizes.map((h) => ["encode_" + h, { height: h }])) })',
              sizes: '${workflow.input.sizes}',
            },
          },
          {
            name: 'fan_out',
            taskReferenceName: 'fan_out',
            type: 'FORK_JOIN_DYNAMIC',
            dynamicForkTasksParam: 'tasks',
            dynamicForkTasksInputParamName: 'inputs',
            inputParameters: { tasks: '${plan.output.result.tasks}', inputs: '${plan.output.result.inputs}' },
          },
          { name: 'collect', taskReferenceName: 'collect', type: 'JOIN' },
        ],
        { outputParameters: { renditions: '${collect.output}' } },
      ),
      { encode: ({ height }) => ({ file: `take.${height}p.mp4` }) },
      { sizes: [480, 1080] },
    );
    assert.deepEqual(output, {
      renditions: { encode_480: { file: 'take.480p.mp4' }, encode_1080: { file: 'take.1080p.mp4' } },
    });
  });

  test("FORK_JOIN_DYNAMIC's forkTaskName form: one task per item, referenced _<name>_<i>, with __index", async () => {
    const { output } = await run(
      definition(
        [
          {
            name: 'fan_out',
            taskReferenceName: 'fan_out',
            type: 'FORK_JOIN_DYNAMIC',
            inputParameters: { forkTaskName: 'shout', forkTaskInputs: ['a', { word: 'b' }] },
          },
          { name: 'collect', taskReferenceName: 'collect', type: 'JOIN' },
        ],
        { outputParameters: { all: '${collect.output}' } },
      ),
      { shout: ({ input, word, __index }) => ({ said: `${String(input ?? word).toUpperCase()}${__index}` }) },
    );
    assert.deepEqual(output, { all: { _shout_0: { said: 'A0' }, _shout_1: { said: 'B1' } } });
  });

  test('DYNAMIC runs the worker its input names; a name without a worker fails the run naming it', async () => {
    const def = definition(
      [
        {
          name: 'dispatch',
          taskReferenceName: 'dispatch',
          type: 'DYNAMIC',
          dynamicTaskNameParam: 'carrier',
          inputParameters: { carrier: '${workflow.input.carrier}', parcel: 7 },
        },
      ],
      { outputParameters: { label: '${dispatch.output.label}' } },
    );
    const workers = { ups: ({ parcel }: { parcel?: unknown }) => ({ label: `UPS-${parcel}` }) } as Record<
      string,
      TaskWorker
    >;
    assert.deepEqual((await run(def, workers, { carrier: 'ups' })).output, { label: 'UPS-7' });
    const { output } = await run(def, workers, { carrier: 'dhl' });
    assert.match(
      String((output as { failed: Error }).failed.message),
      /task 'dispatch' \(DYNAMIC\).*no worker for task 'dhl'/,
    );
  });
});

describe('waits, events and calls', () => {
  let server: Server;
  let base = '';
  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({ method: request.method, path: request.url, body: body ? JSON.parse(body) : null }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('HTTP calls the service and records its answer as Conductor does', async () => {
    const { output } = await run(
      definition(
        [
          {
            name: 'call',
            taskReferenceName: 'call',
            type: 'HTTP',
            inputParameters: {
              http_request: { uri: `${base}/orders/\${workflow.input.id}`, method: 'POST', body: { qty: 2 } },
            },
          },
        ],
        { outputParameters: { status: '${call.output.response.statusCode}', echoed: '${call.output.response.body}' } },
      ),
      {},
      { id: 42 },
    );
    assert.deepEqual(output, { status: 200, echoed: { method: 'POST', path: '/orders/42', body: { qty: 2 } } });
  });

  test('WAIT for a duration sleeps durably; EVENT publishes its input on the Tutti bus', async () => {
    const taskWorkers = defineTaskWorkers({});
    const def = definition([
      { name: 'pause', taskReferenceName: 'pause', type: 'WAIT', inputParameters: { duration: '1 seconds' } },
      {
        name: 'announce',
        taskReferenceName: 'announce',
        type: 'EVENT',
        sink: 'tutti:media.published',
        inputParameters: { file: '${workflow.input.file}' },
      },
    ]);
    const tutti = await createTutti({
      store: 'memory:',
      services: taskWorkers.services,
      workflows: [conductorWorkflow(def, { workers: taskWorkers })],
    });
    try {
      const started = Date.now();
      const handle = await tutti.start('flow', { file: 'take-1.mp4' });
      await handle.result();
      assert.ok(Date.now() - started >= 950, 'the WAIT held the run for its duration');
      const kinds = (await tutti.store.readRunState(handle.id))?.journal.map((entry) => entry.kind);
      assert.deepEqual(kinds, ['now', 'sleep', 'emit']);
      const events = await tutti.store.readEvents({ types: ['media.published'], after: 0, limit: 10 });
      assert.equal(events.length, 1);
      assert.deepEqual(JSON.parse(events[0]?.data as string), {
        file: 'take-1.mp4',
        workflowInstanceId: handle.id,
        workflowType: 'flow',
        workflowVersion: 1,
        correlationId: null,
      });
    } finally {
      await tutti.close();
    }
  });
});

test('a TERMINATE in one branch of a fork ends the run: the other branch starts no further task', async () => {
  const ran: string[] = [];
  const taskWorkers = defineTaskWorkers({
    slow: async ({ label }) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ran.push(String(label));
      return {};
    },
  });
  const def = definition([
    {
      name: 'fork',
      taskReferenceName: 'fork',
      type: 'FORK_JOIN',
      forkTasks: [
        [
          {
            name: 'stop',
            taskReferenceName: 'stop',
            type: 'TERMINATE',
            inputParameters: { terminationStatus: 'COMPLETED', workflowOutput: { stopped: true } },
          },
        ],
        [
          { name: 'slow', taskReferenceName: 'first', type: 'SIMPLE', inputParameters: { label: 'first' } },
          { name: 'slow', taskReferenceName: 'second', type: 'SIMPLE', inputParameters: { label: 'second' } },
        ],
      ],
    },
    { name: 'join', taskReferenceName: 'join', type: 'JOIN', joinOn: ['stop', 'second'] },
  ]);
  const tutti = await createTutti({
    store: 'memory:',
    services: taskWorkers.services,
    workflows: [conductorWorkflow(def, { workers: taskWorkers })],
  });
  try {
    const handle = await tutti.start('flow', {});
    assert.deepEqual(await handle.result(), { stopped: true });
    await new Promise((resolve) => setTimeout(resolve, 300)); // time enough for 'second', had it started
    assert.deepEqual(ran, ['first'], 'the step under way finished; the next one never started');
  } finally {
    await tutti.close();
    await taskWorkers.close();
  }
});
