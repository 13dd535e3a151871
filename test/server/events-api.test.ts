/** The native API's events routes over real HTTP: CloudEvents ingress, the log, subscriptions, dead letters, traces. */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Hono } from 'hono';
import Type from 'typebox';
import type { Delivery } from '../../src/bus/bus.js';
import { defineEvent } from '../../src/contracts/event-contract.js';
import { EventRegistry } from '../../src/contracts/event-registry.js';
import { NonRetryableError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { createTutti } from '../../src/engine/tutti.js';
import { registerEventRoutes } from '../../src/server/events-api.js';
import { errorResponse } from '../../src/server/http-errors.js';
import type { NamespaceRuntime } from '../../src/server/namespaces.js';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { tempDbPath } from '../helpers/temp-db.js';

const dbs: { remove(): void }[] = [];
after(() => {
  for (const db of dbs) db.remove();
});

async function withServer(use: (server: TuttiServer) => Promise<void>): Promise<void> {
  const db = tempDbPath('tutti-events-api-');
  dbs.push(db);
  const server = await startServer({ db: db.path, port: 0, auth: false });
  try {
    await use(server);
  } finally {
    await server.close();
  }
}

async function call(server: TuttiServer, method: string, path: string, body?: unknown, headers = {}) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Waits for `done` (a redriven event is delivered as a retry, which idle() does not wait for). */
async function eventually(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const STRUCTURED = { 'content-type': 'application/cloudevents+json' };
const BATCH = { 'content-type': 'application/cloudevents-batch+json' };

const placed = (id: string, extra: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id,
  source: '/test/orders',
  type: 'order.placed',
  data: { orderId: id },
  ...extra,
});

test('structured, batch and binary events reach the bus once each, and the log reads back in order', async () => {
  await withServer(async (server) => {
    const received: Delivery['event'][] = [];
    const collector = await server.tutti.bus.subscribe({
      name: 'test.collector',
      types: ['order.placed'],
      from: 'beginning',
      handler: ({ event }) => {
        received.push(event);
      },
    });

    const structured = await call(server, 'POST', '/v1/events', placed('o-1', { subject: 'order-1' }), STRUCTURED);
    assert.equal(structured.status, 202, JSON.stringify(structured.body));
    assert.deepEqual(structured.body, { published: [{ id: 'o-1', seq: 1 }] });

    const batch = await call(server, 'POST', '/v1/events', [placed('o-2'), placed('o-3')], BATCH);
    assert.deepEqual(batch.body.published, [
      { id: 'o-2', seq: 2 },
      { id: 'o-3', seq: 3 },
    ]);

    const headers = { 'ce-specversion': '1.0', 'ce-id': 'o-4', 'ce-source': '/test/orders', 'ce-type': 'order.placed' };
    const extensions = { 'ce-correlationid': 'conversation-9', 'ce-dataversion': '3' };
    const more = { 'ce-subject': 'order%204', 'ce-time': '2030-01-31T12:00:00.000Z', ...extensions };
    const binary = await call(server, 'POST', '/v1/events', { orderId: 'o-4' }, { ...headers, ...more });
    assert.deepEqual(binary.body, { published: [{ id: 'o-4', seq: 4 }] });

    const again = await call(server, 'POST', '/v1/events', placed('o-1'), STRUCTURED);
    assert.deepEqual(again.body, { published: [{ id: 'o-1', seq: 1, duplicate: true }] }, 'idempotent by id');

    await collector.idle();
    assert.equal(received.map((e) => e.id).join(), 'o-1,o-2,o-3,o-4');
    const o4 = received[3]!;
    assert.deepEqual(o4.data, { orderId: 'o-4' });
    assert.equal(o4.subject, 'order 4', 'header values are percent-decoded');
    assert.equal(o4.time, '2030-01-31T12:00:00.000Z');
    assert.equal(o4.correlationid, 'conversation-9');
    assert.equal(o4.dataversion, 3);
    assert.equal(received[1]?.correlationid, 'o-2', 'no correlation given: the event starts its own');

    const log = await call(server, 'GET', '/v1/events?type=order.placed&after=1&limit=2');
    assert.equal(log.body.map((e: { seq: number; id: string }) => `${e.seq}:${e.id}`).join(), '2:o-2,3:o-3');
    assert.equal(log.body[0].specversion, '1.0');
    assert.equal((await call(server, 'GET', '/v1/events')).body.length, 4, 'the re-post published nothing');
    assert.deepEqual((await call(server, 'GET', '/v1/events?type=other.type')).body, []);
  });
});

test('a refused event names its attribute, publishes nothing, and is never a 5xx', async () => {
  await withServer(async (server) => {
    const binary = { 'ce-specversion': '1.0', 'ce-id': 'b-1', 'ce-source': '/test', 'ce-type': 'order.placed' };
    const ce = (headers: Record<string, string>) => ({ ...binary, ...headers });
    const { 'ce-type': _type, ...noType } = binary;
    const s1 = (extra: Record<string, unknown>) => placed('s-1', extra);
    const cases: [unknown, Record<string, string>, string, RegExp][] = [
      [
        {},
        noType,
        '400 EVENT_INVALID',
        /^ce-type: missing; give the event type in the ce-type header \(binary mode\) or "type" \(structured mode\)/,
      ],
      [{}, ce({ 'ce-specversion': '0.3' }), '400 EVENT_INVALID', /^ce-specversion: "0.3" is not supported/],
      [{}, ce({ 'ce-type': 'order placed' }), '400 EVENT_INVALID', /^ce-type: "order placed" is not an event type/],
      [{}, ce({ 'ce-time': 'yesterday' }), '400 EVENT_INVALID', /^ce-time: "yesterday" is not an RFC 3339 time/],
      [{}, ce({ 'ce-dataversion': 'v2' }), '400 EVENT_INVALID', /^ce-dataversion: "v2" is not a contract version/],
      [{}, { 'ce-id': 'x' }, '400 EVENT_INVALID', /^ce-specversion: missing/],
      ['{"orderId": ', binary, '400 REQUEST_INVALID', /^the request body is not JSON/],
      ['hi', ce({ 'content-type': 'text/plain' }), '415 UNSUPPORTED_MEDIA_TYPE', /^Content-Type: 'text\/plain'/],
      ['{"specversion": ', STRUCTURED, '400 REQUEST_INVALID', /^the request body is not JSON/],
      [s1({ specversion: '0.3' }), STRUCTURED, '400 EVENT_INVALID', /^specversion: "0.3" is not supported/],
      [s1({ source: 42 }), STRUCTURED, '400 EVENT_INVALID', /^source: 42 is not a non-empty string/],
      [s1({ id: '' }), STRUCTURED, '400 EVENT_INVALID', /^id: "" is not a non-empty string/],
      [s1({ data_base64: 'aGk=' }), STRUCTURED, '415 UNSUPPORTED_MEDIA_TYPE', /^data_base64: /],
      [s1({ datacontenttype: 'text/xml' }), STRUCTURED, '415 UNSUPPORTED_MEDIA_TYPE', /^datacontenttype: "text\/xml"/],
      [s1({}), BATCH, '400 REQUEST_INVALID', /must be a JSON array of CloudEvents/],
      [[s1({}), placed('s-2', { type: undefined })], BATCH, '400 EVENT_INVALID', /^\[1\]\.type: missing/],
      [[s1({}), 7], BATCH, '400 EVENT_INVALID', /^\[1\]: must be a CloudEvent/],
      [s1({}), { 'content-type': 'application/cloudevents+xml' }, '415 UNSUPPORTED_MEDIA_TYPE', /^Content-Type/],
    ];
    for (const [body, headers, expected, message] of cases) {
      const answer = await call(server, 'POST', '/v1/events', body, headers);
      const what = `${JSON.stringify(headers)} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`;
      assert.equal(`${answer.status} ${answer.body.error?.code}`, expected, what);
      assert.match(answer.body.error.message, message, what);
      assert.ok(!JSON.stringify(answer.body).includes('    at '), 'no stack trace');
    }
    assert.deepEqual((await call(server, 'GET', '/v1/events')).body, [], 'nothing refused was published');

    const queries: [string, string, unknown, RegExp][] = [
      ['GET', '/v1/events?limit=0', undefined, /^limit: '0' is not a whole number from 1 to 1000/],
      ['GET', '/v1/events?after=-1', undefined, /^after: '-1' is not a whole number/],
      ['GET', '/v1/dead-letters?subscription=', undefined, /^subscription: empty/],
      ['POST', '/v1/dead-letters/redrive', {}, /^subscription, type, seq: give at least one/],
      ['POST', '/v1/dead-letters/redrive', { subscription: 42 }, /^subscription: 42 is not a non-empty string/],
      ['POST', '/v1/dead-letters/redrive', { seq: [1, 'two'] }, /^seq\[1\]: "two" is not a whole number >= 1/],
      [
        'POST',
        '/v1/dead-letters/redrive',
        { subscriptions: 'a' },
        /^subscriptions: unknown field; did you mean 'subscription'\? \(the fields: subscription, type, seq\)$/,
      ],
      ['POST', '/v1/dead-letters/redrive', '{"type": ', /^the request body is not JSON/],
    ];
    for (const [method, path, body, message] of queries) {
      const answer = await call(server, method, path, body);
      assert.equal(answer.status, 400, `${method} ${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.error.code, 'REQUEST_INVALID');
      assert.match(answer.body.error.message, message);
    }
  });
});

test('dead letters are listed with their error and redriven once the handler is fixed; subscriptions show them', async () => {
  await withServer(async (server) => {
    let broken = true;
    const handled: string[] = [];
    const billing = await server.tutti.bus.subscribe({
      name: 'billing.on-invoice-due',
      types: ['invoice.due'],
      from: 'beginning',
      handler: ({ event }) => {
        if (broken) throw new NonRetryableError(`no account for ${event.id}`);
        handled.push(event.id);
      },
    });
    // Stopped before anything is published: what it has not read is its lag.
    await (
      await server.tutti.bus.subscribe({ name: 'audit.on-invoice-due', types: ['invoice.due'], handler: () => {} })
    ).stop();
    const due = (id: string) => ({ specversion: '1.0', id, source: '/test', type: 'invoice.due', data: { id } });
    await call(server, 'POST', '/v1/events', [due('i-1'), due('i-2'), placed('o-1')], BATCH);
    await billing.idle();

    const dead = await call(server, 'GET', '/v1/dead-letters?subscription=billing.on-invoice-due');
    assert.equal(dead.status, 200);
    assert.deepEqual(
      dead.body.map((d: any) => [d.subscription, d.seq, d.attempts, d.event.id, d.error.message]),
      [
        ['billing.on-invoice-due', 1, 1, 'i-1', 'no account for i-1'],
        ['billing.on-invoice-due', 2, 1, 'i-2', 'no account for i-2'],
      ],
    );
    assert.ok(!JSON.stringify(dead.body).includes('"stack"'), 'no stack trace of the handler over HTTP');
    assert.equal((await call(server, 'GET', '/v1/dead-letters?type=order.placed')).body.length, 0);
    assert.equal((await call(server, 'GET', '/v1/dead-letters?limit=1')).body.length, 1);

    const subscriptions = await call(server, 'GET', '/v1/subscriptions');
    assert.deepEqual(
      subscriptions.body.map(({ createdAt, position, ...rest }: any) => rest),
      [
        { name: 'audit.on-invoice-due', types: ['invoice.due'], lag: 2, deadLetters: 0 },
        { name: 'billing.on-invoice-due', types: ['invoice.due'], lag: 0, deadLetters: 2 },
      ],
    );

    broken = false;
    const first = await call(server, 'POST', '/v1/dead-letters/redrive', {
      subscription: 'billing.on-invoice-due',
      seq: 1,
    });
    assert.deepEqual(first, { status: 200, body: { redriven: 1 } });
    await eventually(() => handled.length === 1);
    assert.deepEqual(handled, ['i-1']);
    const rest = await call(server, 'POST', '/v1/dead-letters/redrive', { type: 'invoice.due' });
    assert.deepEqual(rest.body, { redriven: 1 });
    await eventually(() => handled.length === 2);
    assert.deepEqual(handled, ['i-1', 'i-2']);
    assert.deepEqual((await call(server, 'GET', '/v1/dead-letters')).body, []);
    assert.equal((await call(server, 'GET', '/v1/subscriptions')).body[1].deadLetters, 0);
  });
});

test('a trace is every event of one correlation id in log order, read across pages of the log; 404 when none', async () => {
  await withServer(async (server) => {
    const filler = Array.from({ length: 1100 }, (_, i) => placed(`f-${i}`, { data: undefined }));
    const events = [
      placed('t-1', { correlationid: 'conv-1' }),
      ...filler,
      placed('t-2', { causationid: 'conv-1', correlationid: 'conv-2' }),
      placed('t-3', { correlationid: 'conv-1', causationid: 't-1' }),
    ];
    const posted = await call(server, 'POST', '/v1/events', events, BATCH);
    assert.equal(posted.status, 202, JSON.stringify(posted.body).slice(0, 500));

    const trace = await call(server, 'GET', '/v1/traces/conv-1');
    assert.equal(trace.status, 200);
    assert.deepEqual(
      trace.body.map((e: any) => [e.seq, e.id, e.causationid ?? null]),
      [
        [1, 't-1', null],
        [1103, 't-3', 't-1'],
      ],
    );
    assert.deepEqual(
      (await call(server, 'GET', '/v1/traces/f-7')).body.map((e: any) => e.id),
      ['f-7'],
      'an event sent without a correlation id is its own conversation',
    );
    const missing = await call(server, 'GET', '/v1/traces/conv-404');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'NOT_FOUND');
    assert.match(missing.body.error.message, /no event has correlationid 'conv-404'/);
  });
});

test('with contracts, ingress validates data against the version sent (else the latest) and the size limit', async () => {
  const OrderPlaced = defineEvent('order.placed', Type.Object({ orderId: Type.String(), total: Type.Number() }));
  const tutti = await createTutti({ store: createMemoryStore(), events: [OrderPlaced] });
  const contracts = new EventRegistry();
  contracts.register(OrderPlaced);
  const app = new Hono();
  app.onError((error, c) => {
    const { status, body } = errorResponse(error);
    return c.json(body, status as 400);
  });
  app.use('*', async (c, next) => {
    c.set('runtime', { name: 'default', tutti } as NamespaceRuntime);
    await next();
  });
  registerEventRoutes(app, { logger: silentLogger, contracts, maxEventBytes: 100 });
  const post = async (event: Record<string, unknown>) => {
    const response = await app.request('/v1/events', {
      method: 'POST',
      headers: STRUCTURED,
      body: JSON.stringify(event),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  try {
    const wrong = await post(placed('c-1', { data: { orderId: 'c-1', total: 'lots' } }));
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'EVENT_INVALID');
    assert.match(wrong.body.error.message, /^data: event 'order.placed' v1 is invalid: 'total' must be number/);

    const missing = await post(placed('c-1', { data: { orderId: 'c-1' } }));
    assert.match(missing.body.error.message, /'total' is missing \(required\)/);

    const version = await post(placed('c-1', { data: { orderId: 'c-1', total: 3 }, dataversion: 2 }));
    assert.equal(version.status, 400);
    assert.match(
      version.body.error.message,
      /^dataversion: event 'order.placed' has no version 2; give one of its versions \(1\)/,
    );

    const large = await post(placed('c-1', { data: { orderId: 'x'.repeat(200), total: 3 } }));
    assert.equal(large.status, 413);
    assert.equal(large.body.error.code, 'EVENT_TOO_LARGE');

    const unknownType = await post({ ...placed('c-2'), type: 'order.shipped', data: { anything: true } });
    assert.equal(unknownType.status, 202, 'a type without a contract is accepted');

    const valid = await post(placed('c-1', { data: { orderId: 'c-1', total: 3 } }));
    assert.equal(valid.status, 202);
    const [stored] = await tutti.store.readEvents({ types: ['order.placed'] });
    assert.equal(stored?.id, 'c-1', 'only the valid order.placed was published');
    assert.ok(stored);
    assert.deepEqual(JSON.parse(stored.extensions ?? '{}'), { correlationid: 'c-1', dataversion: 1 });
  } finally {
    await tutti.close();
  }
});
