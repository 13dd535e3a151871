/**
 * The OpenAPI document against the app it describes: every route of the app is in it (and
 * nothing else), bodies have their schemas, and those schemas are what the server checks: a body
 * that breaks one is a 400 that names the field, never a 5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defineTaskWorkers } from '../../src/conductor/run/workers.js';
import { silentLogger } from '../../src/core/logger.js';
import { serverApp } from '../../src/server/app.js';
import { Namespaces } from '../../src/server/namespaces.js';
import { openApiPath } from '../../src/server/openapi.js';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

type Operation = {
  operationId: string;
  security?: unknown[];
  requestBody?: { required: boolean; content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, unknown>;
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  security: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, Record<string, string>>; schemas: Record<string, unknown> };
};

/** POST and PUT routes that take no body: the run is in the path, and nothing else is asked. */
const BODILESS = [
  'put /api/workflow/{id}/pause',
  'put /api/workflow/{id}/resume',
  'post /api/workflow/{id}/retry',
  'post /api/workflow/{id}/restart',
];
const PUBLIC = ['get /v1/health', 'get /v1/openapi.json', 'post /api/token'];

let server: TuttiServer;
let document: Document;

before(async () => {
  server = await startServer({ store: createMemoryStore(), port: 0 });
  const response = await fetch(`${server.url}/v1/openapi.json`);
  assert.equal(response.status, 200, 'public: no token asked for');
  document = (await response.json()) as Document;
});
after(() => server.close());

/** The app's routes, as app.ts builds it with tokens on (so that `POST /api/token` is there too). */
async function appRoutes(): Promise<string[]> {
  const store = createMemoryStore();
  const workers = defineTaskWorkers({}, { remote: true });
  const app = serverApp({
    namespaces: new Namespaces({
      storeFor: () => store,
      workers,
      workflows: [],
      services: [],
      events: [],
      logger: silentLogger,
    }),
    tokens: store,
    logger: silentLogger,
  });
  // Middleware (bodyLimit, the token check) is registered as ALL; routes have a method.
  const routes = app.routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`);
  await workers.close();
  await store.close();
  return [...new Set(routes)];
}

function operations(): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]): [string, Operation] => [`${method} ${path}`, op]),
  );
}

describe('GET /v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document with the bearer and X-Authorization schemes', () => {
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.info.title, 'Tutti');
    assert.ok(document.info.version);
    assert.deepEqual(document.components.securitySchemes.bearer, {
      type: 'http',
      scheme: 'bearer',
      description: document.components.securitySchemes.bearer?.description,
    });
    assert.equal(document.components.securitySchemes.conductorToken?.type, 'apiKey');
    assert.equal(document.components.securitySchemes.conductorToken?.in, 'header');
    assert.equal(document.components.securitySchemes.conductorToken?.name, 'X-Authorization');
    assert.deepEqual(document.security, [{ bearer: [] }, { conductorToken: [] }]);
  });

  it('lists every route of the app with its method, and no other', async () => {
    const routes = await appRoutes();
    const documented = operations().map(([key]) => key);
    assert.ok(routes.length > 50, `the app has its routes (${routes.length})`);
    assert.deepEqual(
      routes.filter((r) => !documented.includes(r)),
      [],
      'routes of the app missing from the document: add them to src/server/api-routes.ts',
    );
    assert.deepEqual(
      documented.filter((d) => !routes.includes(d)),
      [],
      'documented routes the app does not have',
    );
    const ids = operations().map(([, op]) => op.operationId);
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  });

  it('asks for a token on every route but health, the document itself and the token exchange', () => {
    for (const [key, op] of operations()) {
      if (PUBLIC.includes(key)) assert.deepEqual(op.security, [], `${key} is public`);
      else assert.equal(op.security, undefined, `${key} takes the document's security`);
    }
  });

  it("gives every POST and PUT that takes JSON its body's schema", () => {
    for (const [key, op] of operations()) {
      if (!/^(post|put) /.test(key) || BODILESS.includes(key)) continue;
      assert.ok(op.requestBody, `${key} has a request body`);
      for (const [mediaType, { schema }] of Object.entries(op.requestBody.content)) {
        assert.match(mediaType, /json/, key);
        const name = schema.$ref.replace('#/components/schemas/', '');
        assert.ok(document.components.schemas[name], `${key}: ${schema.$ref} resolves`);
      }
    }
    const start = document.paths['/v1/runs']?.post?.requestBody;
    assert.equal(start?.required, true);
    assert.deepEqual(document.components.schemas.StartRun, {
      type: 'object',
      additionalProperties: false,
      required: ['workflow'],
      properties: {
        workflow: { type: 'string', minLength: 1, description: 'the name of a registered workflow definition' },
        version: { type: 'integer', minimum: 1, description: "the definition's version" },
        input: { type: 'object', properties: {}, additionalProperties: true, description: "the workflow's input" },
        id: { type: 'string', minLength: 1, description: 'the run id to use' },
      },
    });
    const events = document.paths['/v1/events']?.post?.requestBody?.content ?? {};
    assert.deepEqual(Object.keys(events).sort(), [
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/json',
    ]);
  });
});

describe('request bodies are checked against the documented schemas', () => {
  let open: TuttiServer;
  before(async () => {
    open = await startServer({ store: createMemoryStore(), port: 0, auth: false });
  });
  after(() => open.close());

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${open.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('a 400 REQUEST_INVALID names the field, says the fix, and lists every issue', async () => {
    const cases: [string, unknown, RegExp][] = [
      [
        '/v1/runs',
        { wokflow: 'priced' },
        /^wokflow: unknown field; did you mean 'workflow'\? \(the fields: workflow, version, input, id\)$/,
      ],
      ['/v1/runs', { workflow: 'priced', input: 'qty=3' }, /^input: "qty=3" is not a JSON object$/],
      ['/v1/runs', { workflow: 'priced', version: '2' }, /^version: "2" is not a whole number >= 1$/],
      ['/v1/runs', [], /^the request body must be a JSON object: \{ workflow, version\?, input\?, id\? \}$/],
      [
        '/v1/tasks/poll',
        { queue: 'payment', workerId: 'w1', max: 500 },
        /^max: 500 is above 100; give the most tasks to claim as a whole number from 1 to 100$/,
      ],
      [
        '/v1/tasks/t-1/fail',
        { workerId: 'w1', error: { code: 'DECLINED' } },
        /^error\.message: missing; give what went wrong as a non-empty string$/,
      ],
      ['/v1/runs/r-1/pause', { reason: 'lunch' }, /^reason: unknown field; this request takes no fields/],
      ['/v1/dead-letters/redrive', { seq: [3, 'four'] }, /^seq\[1\]: "four" is not a whole number >= 1$/],
    ];
    for (const [path, body, message] of cases) {
      const answer = await post(path, body);
      const what = `${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`;
      assert.equal(answer.status, 400, what);
      assert.equal(answer.body.error.code, 'REQUEST_INVALID', what);
      assert.match(answer.body.error.message, message, what);
      assert.equal(answer.body.error.issues[0].message, answer.body.error.message, what);
    }
    const both = await post('/v1/runs', { wokflow: 'priced', input: [] });
    assert.deepEqual(
      both.body.error.issues.map((issue: { path: string }) => issue.path),
      ['wokflow', 'workflow', 'input'],
      'every issue, the unknown field first',
    );
    const empty = await post('/v1/tasks/poll', {});
    assert.deepEqual(
      empty.body.error.issues.map((issue: { path: string }) => issue.path),
      ['queue', 'workerId'],
    );
  });

  it("Conductor's bodies accept unknown fields and nulls, and answer mistakes in Conductor's shape", async () => {
    const unknownWorkflow = await post('/api/workflow', { name: 'nope', input: null, version: null, futureField: 1 });
    assert.equal(unknownWorkflow.status, 404, 'past validation: the definition is what is missing');
    const bad = await post('/api/tasks', { taskId: 't-1', status: 'COMPLETED', outputData: [1] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'REQUEST_INVALID');
    assert.match(bad.body.message, /^outputData: \[1\] is not a JSON object or null$/);
    assert.deepEqual(bad.body.validationErrors, [{ path: 'outputData', message: bad.body.message }]);
    const priority = await post('/api/workflow', { name: 'x', priority: 100 });
    assert.match(priority.body.message, /^priority: 100 is not a whole number from 0 to 99 or null$/);
  });

  it('never answers a malformed body with a 5xx', async () => {
    const bodies = ['null', '[]', '"text"', '42', '{"a":{"b":[{"c":null}]}}', '{"workflow":{}}', '{"seq":{"$gt":0}}'];
    const paths = operations()
      .filter(([key, op]) => key.startsWith('post ') && op.requestBody && !key.includes('/events'))
      .map(([key]) => key.slice('post '.length).replace(/\{(\w+)\}/g, 'x'));
    for (const path of paths) {
      for (const body of bodies) {
        const response = await fetch(`${open.url}${path}`, { method: 'POST', body });
        const text = await response.text();
        assert.ok(response.status < 500, `POST ${path} ${body}: ${response.status} ${text}`);
        assert.ok(!text.includes('    at '), 'no stack trace');
      }
    }
  });
});
