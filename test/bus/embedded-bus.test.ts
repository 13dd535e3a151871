/**
 * What only the embedded bus does (the port's behaviour is in test/conformance/bus.case.ts):
 * its own limits under a long backlog.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Bus, createEmbeddedBus, type Delivery, newEventId } from '../../src/bus/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { event } from '../conformance/bus.case.js';
import { tempDbPath } from '../helpers/temp-db.js';

test('a handler that returns at once works through a long backlog without deepening the stack', async () => {
  const store = createMemoryStore();
  const bus = createEmbeddedBus(store, { window: 60_000, batch: 5_000 });
  try {
    const events = Array.from({ length: 60_000 }, (_, i) => event('load.tick', `k-${i % 10}`, i));
    for (let i = 0; i < events.length; i += 10_000) await bus.publish(events.slice(i, i + 10_000));
    let delivered = 0;
    const sub = await bus.subscribe({
      name: 'counter',
      types: ['load.tick'],
      from: 'beginning',
      concurrency: 60_000,
      handler: () => {
        delivered++;
      },
    });
    await sub.idle();
    assert.equal(delivered, 60_000);
  } finally {
    await bus.close();
    await store.close();
  }
});

test('subscriptions share one decoded event, frozen so that no handler can change it for the others', async () => {
  const store = createMemoryStore();
  const bus = createEmbeddedBus(store);
  try {
    const seen: Delivery['event'][] = [];
    const handler = (delivery: Delivery) => {
      seen.push(delivery.event);
      assert.throws(() => {
        (delivery.event.data as { n: number }).n = 99;
      }, TypeError);
      assert.throws(() => {
        delivery.event.subject = 'other';
      }, TypeError);
    };
    const subs = await Promise.all(
      ['billing', 'audit'].map((name) => bus.subscribe({ name, types: ['order.placed'], handler })),
    );
    await bus.publish([event('order.placed', 'k-1', { n: 7 })]);
    await Promise.all(subs.map((sub) => sub.idle()));
    assert.equal(seen.length, 2);
    assert.equal(seen[0], seen[1], 'decoded once');
    assert.deepEqual(seen[0]?.data, { n: 7 });
  } finally {
    await bus.close();
    await store.close();
  }
});

test('newEventId: a UUID v7 whose first 48 bits are the time', () => {
  const id = newEventId(0x0123456789ab);
  assert.match(id, /^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(newEventId(5), newEventId(5), 'random after the time');
  assert.ok(newEventId(1) < newEventId(2));
  // Many in one millisecond (the random pool refilled on the way): all distinct, all well-formed.
  const ids = new Set(Array.from({ length: 20_000 }, () => newEventId(7)));
  assert.equal(ids.size, 20_000);
  for (const each of ids) assert.match(each, /^00000000-0007-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('a retry that succeeds before its park commit lands is not taken for a redriven dead letter', async () => {
  const store = createMemoryStore();
  // Every delivery commit lands late: the park is still on its way when the retry succeeds.
  const bus = createEmbeddedBus(commitsLate(store, 40), { pollInterval: 5 });
  try {
    const { attempts, sub } = await flakySubscription(bus, 1);
    await bus.publish([event('order.placed', 'k-1', 'once')]);
    await sub.idle();
    // Polls keep reading parked rows while the park, then the unpark, land.
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual(attempts, [1, 2]);
  } finally {
    await bus.close();
    await store.close();
  }
});

test('acknowledgements alone wait up to ackDelay to be committed together; idle() and a handler’s events do not wait', async () => {
  const store = createMemoryStore();
  const commits: { publish: number }[] = [];
  const commitDeliveries = store.commitDeliveries.bind(store);
  store.commitDeliveries = (commit) => {
    commits.push({ publish: commit.publish?.length ?? 0 });
    return commitDeliveries(commit);
  };
  const bus = createEmbeddedBus(store, { ackDelay: '10s' });
  try {
    const invoiced: string[] = [];
    const billing = await bus.subscribe({
      name: 'billing',
      types: ['order.placed'],
      handler: (delivery) => {
        if (delivery.event.data === 'invoice') delivery.publish([event('invoice.sent', 'k-1', 'sent')]);
      },
    });
    const mail = await bus.subscribe({
      name: 'mail',
      types: ['invoice.sent'],
      handler: (delivery) => {
        invoiced.push(delivery.event.data as string);
      },
    });
    for (const data of ['a', 'b', 'c']) await bus.publish([event('order.placed', 'k-1', data)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(commits.length, 0, 'three acknowledgements, no commit yet');
    const started = Date.now();
    await billing.idle();
    assert.ok(Date.now() - started < 1_000, 'idle() commits what waits at once');
    assert.equal(commits.length, 1, 'the three went together');
    await bus.publish([event('order.placed', 'k-1', 'invoice')]);
    await waitUntil(() => invoiced.length === 1);
    assert.equal(commits.at(-1)?.publish, 1, "the handler's event went at once, with its acknowledgement");
    await mail.idle();
  } finally {
    await bus.close();
    await store.close();
  }
  assert.throws(() => createEmbeddedBus(store, { ackDelay: -1 }), /ackDelay/);
});

async function waitUntil(check: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('on SQLite, a retry that succeeds before the failed attempt is saved leaves no parked row and the subscription runs on', async () => {
  const db = tempDbPath();
  const store = createSqliteStore({ path: db.path });
  // Delivery commits land late: attempts 1 and 2 fail and attempt 3 succeeds before the parks are saved.
  const bus = createEmbeddedBus(commitsLate(store, 60), { pollInterval: 5 });
  try {
    const { attempts, sub } = await flakySubscription(bus, 2);
    await bus.publish([event('order.placed', 'k-1', 'first')]);
    await sub.idle();
    await bus.publish([event('order.placed', 'k-1', 'second')]);
    await sub.idle();
    assert.deepEqual(attempts, [1, 2, 3, 1, 2, 3], 'the next event was delivered: the subscription did not stop');
    assert.deepEqual(await store.readParked('billing', ['retrying', 'held', 'dead']), []);
  } finally {
    await bus.close();
    await store.close();
    db.remove();
  }
});

/** The store, with every delivery commit landing `ms` late. */
function commitsLate<S extends Store>(store: S, ms: number): S {
  const commitDeliveries = store.commitDeliveries.bind(store);
  store.commitDeliveries = async (commit) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return commitDeliveries(commit);
  };
  return store;
}

/** A subscription whose handler fails the first `failures` attempts of every event, retrying at once. */
async function flakySubscription(bus: Bus, failures: number) {
  const attempts: number[] = [];
  const sub = await bus.subscribe({
    name: 'billing',
    types: ['order.placed'],
    retry: { initialInterval: 1, jitter: 0 },
    handler: (delivery) => {
      attempts.push(delivery.attempt);
      if (delivery.attempt <= failures) throw new Error('flaky');
    },
  });
  return { attempts, sub };
}
