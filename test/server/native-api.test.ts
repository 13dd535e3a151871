// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/** `tutti server`'s native API over real HTTP: definitions, runs, signals, errors, restarts. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { startServing } from '../helpers/cli-process.js';
import { tempDbPath } from '../helpers/temp-db.js';

const db = tempDbPath('tutti-server-');
after(() => db.remove());

const priced = (version = 1, factor = 4) => ({
  name: 'priced',
  version,
  schemaVersion: 2,
  tasks: [
    {
      name: 'approval',
      taskReferenceName: 'approval',
      type: 'WAIT',
    },
    {
      name: 'price',
      taskReferenceName: 'price',
      type: 'INLINE',
      inputParameters: {
        evaluatorType: 'javascript',
        expression: `$.qty * ${factor}`,
        qty: '${workflow.input.qty}',
      },
    },
  ],
  outputParameters: { total: '${price.output.result}', by: '${approval.output.by}' },
});

async function call(server: TuttiServer, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function until(server: TuttiServer, id: string, status: string) {
  for (let i = 0; i < 200; i++) {
    const run = await call(server, 'GET', `/v1/runs/${id}`);
    if (run.body.status === status) return run.body;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`run ${id} never reached ${status}`);
}

test('definitions are registered, runs started, signalled and read; a restart resumes a run with its version', async () => {
  let server = await startServer({ db: db.path, port: 0, auth: false });
  try {
    assert.deepEqual((await call(server, 'GET', '/v1/health')).body, { status: 'ok' });
    assert.deepEqual((await call(server, 'GET', '/v1/ready')).body, { status: 'ready' });

    const registered = await call(server, 'POST', '/v1/definitions', priced());
    assert.equal(registered.status, 201);
    assert.deepEqual(registered.body.registrations, [
      { kind: 'workflow', name: 'priced', version: 1, outcome: 'created' },
    ]);
    assert.equal(
      (await call(server, 'POST', '/v1/definitions', priced())).status,
      200,
      'the same again changes nothing',
    );
    const conflict = await call(server, 'POST', '/v1/definitions', priced(1, 5));
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.code, 'DEFINITION_CONFLICT');

    const started = await call(server, 'POST', '/v1/runs', { workflow: 'priced', input: { qty: 3 }, id: 'order-1' });
    assert.equal(started.status, 201);
    assert.equal(started.body.version, '1');
    assert.equal((await call(server, 'POST', '/v1/runs', { workflow: 'priced', id: 'order-1' })).status, 200);
    await until(server, 'order-1', 'sleeping'); // waiting for its signal

    // v2 is registered while order-1 waits; order-1 stays on v1, across a restart.
    assert.equal((await call(server, 'POST', '/v1/definitions', priced(2, 10))).status, 201);
    await server.close();
    server = await startServer({ db: db.path, port: 0, auth: false });
    assert.deepEqual(server.tutti.resumed, ['order-1']);
    const signalled = await call(server, 'POST', '/v1/runs/order-1/signals/approval', { by: 'ana' });
    assert.equal(signalled.status, 202);
    const done = await until(server, 'order-1', 'completed');
    assert.deepEqual(done.output, { total: 12, by: 'ana' }, 'v1 prices at 4');

    const latest = await call(server, 'POST', '/v1/runs', { workflow: 'priced', input: { qty: 3 } });
    assert.equal(latest.body.version, '2');
    await call(server, 'POST', `/v1/runs/${latest.body.id}/signals/approval`, {});
    assert.deepEqual((await until(server, latest.body.id, 'completed')).output, { total: 30, by: null });

    const withSteps = await call(server, 'GET', '/v1/runs/order-1?steps=true');
    assert.deepEqual(
      withSteps.body.steps.map((step: { kind: string; name: string }) => `${step.kind} ${step.name}`),
      ['signal approval', 'step conductor-system.inline'],
    );
    const listed = await call(server, 'GET', '/v1/runs?status=completed&workflow=priced');
    assert.equal(listed.body.length, 2);

    const waiting = await call(server, 'POST', '/v1/runs', { workflow: 'priced', input: { qty: 1 } });
    const cancelled = await call(server, 'POST', `/v1/runs/${waiting.body.id}/cancel`, { reason: 'customer left' });
    assert.equal(cancelled.status, 202);
    await until(server, waiting.body.id, 'cancelled');
  } finally {
    await server.close();
  }
});

test('client mistakes get a 4xx naming the field, never a 5xx or a stack', async () => {
  const server = await startServer({ db: db.path, port: 0, maxBodyBytes: 2048, auth: false });
  try {
    const cases: [string, string, unknown, number, string, RegExp][] = [
      ['POST', '/v1/runs', '{"workflow": ', 400, 'REQUEST_INVALID', /not JSON/],
      ['POST', '/v1/runs', [1], 400, 'REQUEST_INVALID', /must be a JSON object/],
      ['POST', '/v1/runs', { input: {} }, 400, 'REQUEST_INVALID', /^workflow: missing; give the name/],
      [
        'POST',
        '/v1/runs',
        { workflow: 'priced', input: [] },
        400,
        'REQUEST_INVALID',
        /^input: \[\] is not a JSON object/,
      ],
      [
        'POST',
        '/v1/runs',
        { workflow: 'priced', version: 0 },
        400,
        'REQUEST_INVALID',
        /^version: 0 is below 1; give the definition's version as a whole number >= 1/,
      ],
      [
        'POST',
        '/v1/runs',
        { workflow: 'pricd' },
        404,
        'UNKNOWN_WORKFLOW',
        /'pricd' is not registered: did you mean 'priced'\?/,
      ],
      ['GET', '/v1/runs/nope', undefined, 404, 'NOT_FOUND', /no run 'nope'/],
      ['GET', '/v1/runs?status=done', undefined, 400, 'REQUEST_INVALID', /status: 'done' is not a run status/],
      ['POST', '/v1/runs/nope/signals/approval', {}, 404, 'NOT_FOUND', /no run 'nope'/],
      ['GET', '/v1/nothing', undefined, 404, 'NOT_FOUND', /no route GET \/v1\/nothing/],
      [
        'POST',
        '/v1/definitions',
        { name: 'x', tasks: [{ name: 'a', taskRefName: 'a' }] },
        400,
        'DEFINITION_INVALID',
        /did you mean 'taskReferenceName'/,
      ],
      ['POST', '/v1/definitions', 'x'.repeat(5000), 413, 'REQUEST_TOO_LARGE', /over 2048 bytes/],
    ];
    for (const [method, path, body, status, code, message] of cases) {
      const answer = await call(server, method, path, body);
      assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, code, `${method} ${path}`);
      assert.match(answer.body.error.message, message, `${method} ${path}`);
      assert.ok(!JSON.stringify(answer.body).includes('    at '), 'no stack trace');
    }
    const invalid = await call(server, 'POST', '/v1/definitions', {
      name: 'x',
      tasks: [{ name: 'a', taskRefName: 'a' }],
    });
    assert.ok(invalid.body.error.issues.some((issue: { field: string }) => issue.field === 'taskRefName'));
  } finally {
    await server.close();
  }
});

test('`tutti server` listens, answers, and shuts down gracefully on SIGTERM', async () => {
  const { child, url, stdout } = await startServing(['server', '--port', '0', '--db', db.path]);
  const health = await fetch(`${url}/v1/health`);
  assert.equal(health.status, 200);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 0);
  assert.match(stdout(), /SIGTERM: finishing requests under way, then closing\nclosed\n/);
});
