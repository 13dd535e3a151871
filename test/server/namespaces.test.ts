// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/**
 * Tokens and namespaces over real HTTP: every endpoint but health asks for a token, a token of
 * namespace A never sees B's definitions, runs or events (404, empty lists), Conductor's
 * `X-Authorization` and `/api/token` key exchange work with its own SDK, and the rate limit
 * answers 429 with Retry-After.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConductorClient, WorkflowExecutor } from '@io-orkes/conductor-javascript';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { createToken } from '../../src/server/tokens.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { Store } from '../../src/store/store.js';

const waiting = {
  name: 'approval',
  version: 1,
  schemaVersion: 2,
  tasks: [{ name: 'approve', taskReferenceName: 'approve', type: 'WAIT' }],
  outputParameters: { by: '${approve.output.by}' },
};

describe('tokens and namespaces', () => {
  const stores = new Map<string, Store>();
  const main = createMemoryStore();
  let server: TuttiServer;
  let a: string;
  let b: string;
  let aKey: { id: string; secret: string };

  const call = async (
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
    header = 'authorization',
  ) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers[header] = header === 'authorization' ? `Bearer ${token}` : token;
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  };

  before(async () => {
    const created = await createToken(main, { namespace: 'team-a' });
    a = created.token;
    aKey = { id: created.id, secret: created.token.slice(`tutti_${created.id}_`.length) };
    b = (await createToken(main, { namespace: 'team-b' })).token;
    server = await startServer({
      store: main,
      storeFor: (namespace) => {
        const store = createMemoryStore();
        stores.set(namespace, store);
        return store;
      },
      port: 0,
    });
  });
  after(() => server?.close());

  it('opens the namespaces that have tokens at start, so that their runs resume', () => {
    assert.deepEqual([...stores.keys()].sort(), ['team-a', 'team-b']);
  });

  it('asks every endpoint but health for a token, and names how to get one', async () => {
    assert.equal((await call('GET', '/v1/health', undefined)).status, 200);
    for (const path of ['/v1/runs', '/v1/definitions/workflows', '/v1/events', '/api/metadata/workflow']) {
      const answer = await call('GET', path, undefined);
      assert.equal(answer.status, 401, path);
      assert.equal(answer.headers.get('www-authenticate'), 'Bearer');
    }
    const bad = await call('GET', '/v1/runs', 'tutti_000000000000_nope');
    assert.equal(bad.status, 401);
    assert.match(JSON.stringify(bad.json), /tutti tokens create --namespace/);
    // Under /api, in Conductor's shape.
    const conductor = await call('GET', '/api/metadata/workflow', undefined);
    assert.equal(conductor.json.status, 401);
  });

  it("keeps each namespace's definitions, runs and events to itself", async () => {
    assert.equal((await call('POST', '/v1/definitions', a, waiting)).status, 201);
    const started = await call('POST', '/v1/runs', a, { workflow: 'approval', id: 'order-1' });
    assert.equal(started.status, 201);
    assert.equal((await call('GET', '/v1/runs/order-1', a)).status, 200);

    assert.equal((await call('GET', '/v1/runs/order-1', b)).status, 404);
    assert.equal((await call('POST', '/v1/runs/order-1/cancel', b)).status, 404);
    assert.equal((await call('POST', '/v1/runs/order-1/signals/approve', b, { by: 'eve' })).status, 404);
    assert.deepEqual((await call('GET', '/v1/runs', b)).json, []);
    assert.deepEqual((await call('GET', '/v1/definitions/workflows', b)).json, []);
    const notThere = await call('POST', '/v1/runs', b, { workflow: 'approval' });
    assert.equal(notThere.status, 404);

    // The same run id in B is another run.
    assert.equal((await call('POST', '/v1/definitions', b, waiting)).status, 201);
    assert.equal((await call('POST', '/v1/runs', b, { workflow: 'approval', id: 'order-1' })).status, 201);
    assert.equal((await call('POST', '/v1/runs/order-1/signals/approve', b, { by: 'bob' })).status, 202);
    await waitFor(async () => (await call('GET', '/v1/runs/order-1', b)).json.status === 'completed');
    assert.equal((await call('GET', '/v1/runs/order-1', a)).json.status, 'sleeping', 'A waits still');

    // Conductor's header works as well as Bearer.
    const viaConductorHeader = await call('GET', '/v1/runs/order-1', a, undefined, 'x-authorization');
    assert.equal(viaConductorHeader.status, 200);
    assert.equal(viaConductorHeader.json.status, 'sleeping');

    const published = await call('GET', '/v1/events', b);
    assert.ok(published.json.length > 0, "B's signal is in B's log");
    assert.deepEqual((await call('GET', '/v1/events', a)).json, [], "and not in A's");
  });

  it("lets Conductor's SDK in with a key id and secret (POST /api/token), in the token's namespace", async () => {
    const client = await createConductorClient({
      serverUrl: `${server.url}/api`,
      keyId: aKey.id,
      keySecret: aKey.secret,
      refreshTokenInterval: 0, // no background refresh: it would keep this process alive
    });
    const executor = new WorkflowExecutor(client);
    const workflow = await executor.getWorkflow('order-1', false);
    assert.equal(workflow?.status, 'RUNNING', "A's order-1, not B's completed one");
    const wrong = await call('POST', '/api/token', undefined, { keyId: aKey.id, keySecret: 'guess' });
    assert.equal(wrong.status, 404);
  });
});

describe('rate limit per token', () => {
  it('answers 429 with Retry-After past the burst', async () => {
    const main = createMemoryStore();
    const { token } = await createToken(main, { namespace: 'default' });
    const server = await startServer({ store: main, port: 0, rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const response = await fetch(`${server.url}/v1/runs`, { headers: { authorization: `Bearer ${token}` } });
        statuses.push(response.status);
        if (response.status === 429) retryAfter = response.headers.get('retry-after');
        await response.body?.cancel();
      }
      assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
      assert.equal(retryAfter, '1');
    } finally {
      await server.close();
    }
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail('the condition did not come true');
}
