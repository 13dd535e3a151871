/**
 * `startServer({ events, strictEvents })` over real HTTP: CloudEvents ingress validates event data
 * against the server's contracts (the version `dataversion` names, else the latest) in binary,
 * structured and batch mode, refuses what does not match naming the field, publishes nothing of a
 * refused batch, and in strict mode refuses types it has no contract for.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Type from 'typebox';
import { defineEvent } from '../../src/contracts/event-contract.js';
import { DuplicateNameError } from '../../src/core/errors.js';
import { type ServerOptions, startServer, type TuttiServer } from '../../src/server/server.js';
import { createToken } from '../../src/server/tokens.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

const PaymentV1 = defineEvent('payment.received', Type.Object({ orderId: Type.String(), amount: Type.Number() }));
const PaymentV2 = defineEvent(
  'payment.received',
  Type.Object({ orderId: Type.String(), amount: Type.Number(), currency: Type.String() }),
  { version: 2 },
);
const OrderPlaced = defineEvent('order.placed', Type.Object({ orderId: Type.String() }));
const events = [PaymentV1, PaymentV2, OrderPlaced];

async function withServer(options: ServerOptions, use: (server: TuttiServer) => Promise<void>): Promise<void> {
  const server = await startServer({ store: createMemoryStore(), port: 0, auth: false, ...options });
  try {
    await use(server);
  } finally {
    await server.close();
  }
}

async function post(server: TuttiServer, body: unknown, headers: Record<string, string>) {
  const response = await fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function log(server: TuttiServer): Promise<any[]> {
  return (await fetch(`${server.url}/v1/events`)).json() as Promise<any[]>;
}

const STRUCTURED = { 'content-type': 'application/cloudevents+json' };
const BATCH = { 'content-type': 'application/cloudevents-batch+json' };

const payment = (id: string, data: unknown, extra: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id,
  source: '/test/payments',
  type: 'payment.received',
  data,
  ...extra,
});

const binaryHeaders = (id: string, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'ce-specversion': '1.0',
  'ce-id': id,
  'ce-source': '/test/payments',
  'ce-type': 'payment.received',
  ...extra,
});

test('valid data is published and reads back from the log; invalid data is a 400 naming the field, in binary and structured mode', async () => {
  await withServer({ events }, async (server) => {
    const structured = await post(server, payment('p-1', { orderId: 'o-1', amount: 5, currency: 'EUR' }), STRUCTURED);
    assert.deepEqual(structured, { status: 202, body: { published: [{ id: 'p-1', seq: 1 }] } });
    const binary = await post(server, { orderId: 'o-2', amount: 7, currency: 'EUR' }, binaryHeaders('p-2'));
    assert.deepEqual(binary, { status: 202, body: { published: [{ id: 'p-2', seq: 2 }] } });

    const badStructured = await post(server, payment('p-3', { orderId: 'o-3', amount: 'lots', currency: 'EUR' }), {
      ...STRUCTURED,
    });
    assert.equal(badStructured.status, 400, JSON.stringify(badStructured.body));
    assert.equal(badStructured.body.error.code, 'EVENT_INVALID');
    assert.match(badStructured.body.error.message, /^data: event 'payment.received' v2 is invalid: 'amount' must be/);
    assert.deepEqual(
      badStructured.body.error.issues.map((i: { path: string }) => i.path),
      ['data.amount'],
      'the issue names the field by its place in the request body',
    );
    assert.match(badStructured.body.error.issues[0].message, /^must be number, got "lots"/);

    const badBinary = await post(server, { orderId: 'o-4', amount: 4 }, binaryHeaders('p-4'));
    assert.equal(badBinary.status, 400, JSON.stringify(badBinary.body));
    assert.match(badBinary.body.error.message, /^data \(the request body\): event 'payment.received' v2 is invalid/);
    assert.deepEqual(badBinary.body.error.issues, [
      {
        path: 'currency',
        message: "is missing (required); add it, or make it optional in a new version of 'payment.received'",
      },
    ]);

    const stored = await log(server);
    assert.deepEqual(
      stored.map((e) => [e.id, e.dataversion, e.data]),
      [
        ['p-1', 2, { orderId: 'o-1', amount: 5, currency: 'EUR' }],
        ['p-2', 2, { orderId: 'o-2', amount: 7, currency: 'EUR' }],
      ],
      'only the valid events, recorded under the latest version',
    );
  });
});

test('dataversion selects the contract version the data is checked against', async () => {
  await withServer({ events }, async (server) => {
    const v1 = { orderId: 'o-1', amount: 5 };
    assert.equal((await post(server, payment('p-1', v1, { dataversion: 1 }), STRUCTURED)).status, 202);
    assert.equal((await post(server, v1, binaryHeaders('p-2', { 'ce-dataversion': '1' }))).status, 202);
    const latest = await post(server, payment('p-3', v1), STRUCTURED);
    assert.equal(latest.status, 400, 'without dataversion, v1 data is checked against v2 and lacks currency');
    assert.deepEqual(
      latest.body.error.issues.map((i: { path: string }) => i.path),
      ['data.currency'],
    );
    const unknown = await post(server, payment('p-4', v1, { dataversion: 3 }), STRUCTURED);
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /^dataversion: event 'payment.received' has no version 3; give one of/);
    assert.deepEqual(
      (await log(server)).map((e) => [e.id, e.dataversion]),
      [
        ['p-1', 1],
        ['p-2', 1],
      ],
    );
  });
});

test('a batch with one invalid event publishes none of it', async () => {
  await withServer({ events }, async (server) => {
    const good = (id: string) => payment(id, { orderId: id, amount: 1, currency: 'EUR' });
    const batch = [good('b-1'), payment('b-2', { orderId: 'b-2', amount: -1, currency: 7 }), good('b-3')];
    const refused = await post(server, batch, BATCH);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.body.error.message, /^\[1\]\.data: event 'payment.received' v2 is invalid: 'currency'/);
    assert.deepEqual(
      refused.body.error.issues.map((i: { path: string }) => i.path),
      ['[1].data.currency'],
    );
    assert.deepEqual(await log(server), [], 'nothing of the refused batch was published');

    const fixed = await post(server, [good('b-1'), good('b-2'), good('b-3')], BATCH);
    assert.equal(fixed.status, 202);
    assert.equal((await log(server)).length, 3);
  });
});

test('types without a contract are accepted by default and refused in strict mode, naming the known types', async () => {
  const invoiceDue = { specversion: '1.0', id: 's-1', source: '/test', type: 'invoice.due', data: { any: 1 } };
  await withServer({ events }, async (server) => {
    assert.equal((await post(server, invoiceDue, STRUCTURED)).status, 202, 'the bus is open by default');
  });
  await withServer({ events, strictEvents: true }, async (server) => {
    const refused = await post(server, invoiceDue, STRUCTURED);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'EVENT_INVALID');
    assert.equal(
      refused.body.error.message,
      "type: no contract for event type 'invoice.due'; this server accepts only the types it has contracts " +
        'for (strict events): order.placed, payment.received',
    );
    const typo = await post(server, { orderId: 'o-1' }, binaryHeaders('s-2', { 'ce-type': 'order.plcaed' }));
    assert.equal(typo.status, 400);
    assert.match(
      typo.body.error.message,
      /^ce-type: no contract for event type 'order.plcaed' \(did you mean 'order.placed'\?\)/,
    );
    const inBatch = await post(
      server,
      [payment('s-3', { orderId: 'o', amount: 1, currency: 'EUR' }), invoiceDue],
      BATCH,
    );
    assert.match(inBatch.body.error.message, /^\[1\]\.type: no contract for event type 'invoice.due'/);
    const known = await post(server, { orderId: 'o-1' }, binaryHeaders('s-4', { 'ce-type': 'order.placed' }));
    assert.equal(known.status, 202, 'a type with a contract is accepted in strict mode');
    assert.deepEqual(
      (await log(server)).map((e) => e.id),
      ['s-4'],
    );
  });
  await withServer({ strictEvents: true }, async (server) => {
    const none = await post(server, invoiceDue, STRUCTURED);
    assert.match(none.body.error.message, /strict events\): it has none$/);
  });
});

test('the contracts are the same in every namespace', async () => {
  const main = createMemoryStore();
  const a = (await createToken(main, { namespace: 'team-a' })).token;
  const b = (await createToken(main, { namespace: 'team-b' })).token;
  const server = await startServer({ store: main, storeFor: () => createMemoryStore(), port: 0, events });
  try {
    for (const token of [a, b]) {
      const auth = { authorization: `Bearer ${token}` };
      const bad = await post(server, payment('p-1', { orderId: 'o', amount: 'x' }), { ...STRUCTURED, ...auth });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      const good = await post(server, payment('p-1', { orderId: 'o', amount: 1, currency: 'EUR' }), {
        ...STRUCTURED,
        ...auth,
      });
      assert.deepEqual(good.body, { published: [{ id: 'p-1', seq: 1 }] }, 'each namespace has its own log');
    }
  } finally {
    await server.close();
  }
});

test('two schemas under one version of a type: the server refuses to start', async () => {
  const other = defineEvent('order.placed', Type.Object({ id: Type.Number() }));
  await assert.rejects(
    startServer({ store: createMemoryStore(), port: 0, auth: false, events: [OrderPlaced, other] }),
    (error: unknown) =>
      error instanceof DuplicateNameError && /event 'order.placed' v1 is already registered/.test(error.message),
  );
});
