/**
 * Events through a Tutti instance: publishing with contracts, subscribers (validation at both
 * ends, causality, the handler outbox), workflows that emit (the run's outbox) and events that
 * start workflows.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type from 'typebox';
import {
  createTutti,
  defineEvent,
  defineService,
  defineSubscriber,
  defineWorkflow,
  on,
  type Tutti,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { waitFor } from '../conformance/bus.case.js';
import { PersistentStore, rejection } from './helpers.js';

const OrderPlaced = defineEvent('order.placed', Type.Object({ orderId: Type.String(), total: Type.Number() }));
const OrderPlacedV2 = defineEvent(
  'order.placed',
  Type.Object({ orderId: Type.String(), total: Type.Number(), coupon: Type.Optional(Type.String()) }),
  { version: 2 },
);
const InvoiceSent = defineEvent('invoice.sent', Type.Object({ orderId: Type.String() }));
const fast = { retry: { initialInterval: 5, maxAttempts: 2 } } as const;

async function withTutti(options: Parameters<typeof createTutti>[0], body: (tutti: Tutti) => Promise<void>) {
  const tutti = await createTutti({ store: createMemoryStore(), ...options });
  try {
    await body(tutti);
  } finally {
    await tutti.close();
  }
}

describe('publishing', () => {
  test('validates data against the contract and refuses bad input naming the field, writing nothing', async () => {
    await withTutti({ events: [OrderPlaced] }, async (tutti) => {
      await assert.rejects(tutti.publish(OrderPlaced, { orderId: 'o-1', total: 'ten' as unknown as number }), {
        code: 'EVENT_INVALID',
        path: 'total',
      });
      const bad = { orderId: 'o-1', total: 1, extra: () => 1 } as unknown as { orderId: string; total: number };
      await assert.rejects(tutti.publish(OrderPlaced, bad), { code: 'NOT_SERIALIZABLE', message: /extra/ });
      assert.equal(await tutti.store.lastSeq(), 0);
      const published = await tutti.publish(OrderPlaced, { orderId: 'o-1', total: 10 }, { key: 'o-1' });
      const [record] = await tutti.store.readEvents({});
      assert.equal(record?.id, published.id);
      assert.equal(record?.seq, published.seq);
      assert.equal(record?.subject, 'o-1');
      assert.deepEqual(JSON.parse(record?.extensions ?? '{}'), { correlationid: published.id, dataversion: 1 });
    });
  });

  test('gives events time-ordered ids (UUID v7), which the log indexes at its end', async () => {
    await withTutti({}, async (tutti) => {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push((await tutti.publish(OrderPlaced, { orderId: `o-${i}`, total: i })).id);
      for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const times = ids.map((id) => id.slice(0, 13));
      assert.deepEqual([...times].sort(), times, 'each id begins with a time no earlier than the one before');
    });
  });

  test('refuses data over maxEventBytes with EventTooLargeError', async () => {
    await withTutti({ maxEventBytes: 64 }, async (tutti) => {
      await assert.rejects(tutti.publish(OrderPlaced, { orderId: 'x'.repeat(100), total: 1 }), {
        code: 'EVENT_TOO_LARGE',
        message: /over the limit of 64.*maxEventBytes/,
      });
    });
  });

  test('refuses at creation a subscriber the registered producer version would break', async () => {
    const Strict = defineEvent(
      'order.placed',
      Type.Object({ orderId: Type.String(), total: Type.Number(), coupon: Type.String() }),
      { version: 3 },
    );
    const reader = defineSubscriber('billing', Strict, () => {});
    const error = await rejection(
      createTutti({ store: createMemoryStore(), events: [OrderPlacedV2], subscribers: [reader] }),
    );
    assert.equal(error.code, 'EVENT_SCHEMA_INCOMPATIBLE');
    assert.match(error.message, /'billing'/);
    assert.match(error.message, /coupon: required by the reader but optional in the writer/);
  });
});

describe('subscribers', () => {
  test('receive validated data; ctx.publish inherits correlation, sets causation, lands with the ack', async () => {
    const invoices: { orderId: string; correlation?: string; causation?: string }[] = [];
    const billing = defineSubscriber(
      'billing',
      OrderPlaced,
      (order, ctx) => {
        ctx.publish(InvoiceSent, { orderId: order.orderId }, { key: order.orderId });
      },
      fast,
    );
    const mail = defineSubscriber(
      'mail',
      InvoiceSent,
      (invoice, ctx) => {
        invoices.push({ ...invoice, correlation: ctx.event.correlationid, causation: ctx.event.causationid });
      },
      fast,
    );
    await withTutti({ events: [OrderPlacedV2], subscribers: [billing, mail] }, async (tutti) => {
      const placed = await tutti.publish(OrderPlacedV2, { orderId: 'o-7', total: 3, coupon: 'X' }, { key: 'o-7' });
      await waitFor(() => invoices.length === 1);
      assert.deepEqual(invoices, [{ orderId: 'o-7', correlation: placed.id, causation: placed.id }]);
    });
  });

  test('an event that fails the subscriber contract is dead-lettered with the validation error, never handled', async () => {
    const Loose = defineEvent('order.placed', Type.Object({ orderId: Type.String() }), { version: 9 });
    let handled = 0;
    const billing = defineSubscriber(
      'billing',
      OrderPlaced,
      () => {
        handled++;
      },
      fast,
    );
    // Another process, with another contract, publishes something billing cannot read.
    const store = createMemoryStore();
    const producer = await createTutti({ store: new PersistentStore(store), events: [Loose] });
    const consumer = await createTutti({ store: new PersistentStore(store), subscribers: [billing] });
    try {
      await producer.publish(Loose, { orderId: 'o-1' });
      await consumer.bus.appended(['order.placed']);
      await waitFor(async () => (await consumer.bus.deadLetters()).length === 1);
      const [dead] = await consumer.bus.deadLetters();
      assert.equal(dead?.attempts, 1);
      assert.equal(JSON.parse(dead?.error ?? '{}').code, 'EVENT_INVALID');
      assert.match(dead?.error ?? '', /'total' is missing/);
      assert.equal(handled, 0);
    } finally {
      await producer.close();
      await consumer.close();
      await store.close();
    }
  });
});

describe('workflows and events', () => {
  test('ctx.emit publishes once with the journal, even when the run is replayed', async () => {
    const seen: string[] = [];
    const svc = defineService('orders', { total: async (n: number) => n * 2 });
    const place = defineWorkflow('place', async (ctx, orderId: string) => {
      const total = await ctx.step(svc.total, 21);
      const id = await ctx.emit(OrderPlaced, { orderId, total }, { key: orderId });
      return id;
    });
    const billing = defineSubscriber(
      'billing',
      OrderPlaced,
      (order, ctx) => {
        seen.push(`${order.orderId}:${order.total}:${ctx.event.correlationid}:${ctx.event.causationid}`);
      },
      fast,
    );
    const store = new PersistentStore(createMemoryStore());
    const first = await createTutti({ store, services: [svc], workflows: [place], subscribers: [billing] });
    const run = await first.start(place, 'o-1', { id: 'run-1' });
    const eventId = await run.result();
    await waitFor(() => seen.length === 1);
    await first.close();
    assert.equal(eventId, 'run-1/1');
    assert.deepEqual(seen, ['o-1:42:run-1:run:run-1']);
    const state = await store.readRunState('run-1');
    assert.deepEqual(
      state?.journal.map((e) => [e.kind, e.name, e.output]),
      [
        ['step', 'orders.total', '42'],
        ['emit', 'order.placed', '"run-1/1"'],
      ],
    );
    assert.equal((await store.readEvents({})).length, 1);
  });

  test('a failed emit (invalid data) fails the run and publishes nothing', async () => {
    const place = defineWorkflow('place', async (ctx) => {
      await ctx.emit(OrderPlaced, { orderId: 'o-1', total: Number.NaN });
    });
    await withTutti({ workflows: [place] }, async (tutti) => {
      const error = await rejection((await tutti.start(place, null)).result());
      assert.equal(error.cause?.code, 'EVENT_INVALID');
      assert.equal(await tutti.store.lastSeq(), 0);
    });
  });

  test('on(contract).start starts one run per event, idempotently by the id it derives', async () => {
    const shipped: string[] = [];
    const svc = defineService('shipping', {
      ship: async (orderId: string) => {
        shipped.push(orderId);
      },
    });
    const ship = defineWorkflow('ship', (ctx, order: { orderId: string }) => ctx.step(svc.ship, order.orderId));
    const trigger = on(OrderPlaced).start(ship, { id: (order) => `ship-${order.orderId}`, ...fast });
    await withTutti({ services: [svc], workflows: [ship], subscribers: [trigger] }, async (tutti) => {
      await tutti.publish(OrderPlaced, { orderId: 'o-1', total: 1 });
      await tutti.publish(OrderPlaced, { orderId: 'o-1', total: 1 }); // another event, same order
      await tutti.publish(OrderPlaced, { orderId: 'o-2', total: 1 });
      await waitFor(async () => (await tutti.listRuns({ status: ['completed'] })).length === 2);
      assert.deepEqual(shipped.sort(), ['o-1', 'o-2']);
      assert.deepEqual((await tutti.listRuns()).map((r) => r.id).sort(), ['ship-o-1', 'ship-o-2']);
    });
  });
});
