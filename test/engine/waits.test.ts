/**
 * Workflows that wait for events and signals: matching, timeouts, and durability across a restart
 * (events published while the engine was down are found by the resumed wait).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Type from 'typebox';
import {
  createTutti,
  defineEvent,
  defineService,
  defineWorkflow,
  EventWaitTimeoutError,
  type Tutti,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { waitFor } from '../conformance/bus.case.js';
import { PersistentStore, rejection, waitForStatus } from './helpers.js';

const PaymentConfirmed = defineEvent(
  'payment.confirmed',
  Type.Object({ orderId: Type.String(), amount: Type.Number() }),
);

const payments = defineService('payments', { request: async (orderId: string) => `requested ${orderId}` });

/** Waits for the confirmation of its order, started before the request that causes it. */
const checkout = defineWorkflow('checkout', async (ctx, order: { orderId: string; minimum?: number }) => {
  const confirmed = ctx.waitForEvent(PaymentConfirmed, {
    key: order.orderId,
    match: (p) => p.amount >= (order.minimum ?? 0),
    timeout: '5s',
  });
  await ctx.step(payments.request, order.orderId);
  const event = await confirmed;
  return { amount: event.data?.amount, id: event.id };
});

async function tuttiOn(store = createMemoryStore()): Promise<Tutti> {
  return createTutti({ store, services: [payments], workflows: [checkout], events: [PaymentConfirmed] });
}

describe('ctx.waitForEvent', () => {
  test('takes the first event of its key that match accepts, and journals it', async () => {
    const tutti = await tuttiOn();
    try {
      const run = await tutti.start(checkout, { orderId: 'o-1', minimum: 10 }, { id: 'c-1' });
      await waitForStatus(tutti.store, 'c-1', 'sleeping');
      await tutti.publish(PaymentConfirmed, { orderId: 'o-2', amount: 50 }, { key: 'o-2' }); // another order
      await tutti.publish(PaymentConfirmed, { orderId: 'o-1', amount: 5 }, { key: 'o-1' }); // match says no
      const wanted = await tutti.publish(PaymentConfirmed, { orderId: 'o-1', amount: 20 }, { key: 'o-1' });
      assert.deepEqual(await run.result(), { amount: 20, id: wanted.id });
      const journal = (await tutti.store.readRunState('c-1'))?.journal ?? [];
      assert.deepEqual(
        journal.map((e) => [e.position, e.kind, e.name]),
        [
          [0, 'event', 'payment.confirmed'],
          [1, 'step', 'payments.request'],
        ],
      );
      assert.deepEqual((await tutti.store.readRunState('c-1'))?.timers, [], 'the wait timer is cleared');
    } finally {
      await tutti.close();
    }
  });

  test('times out with EventWaitTimeoutError, which the workflow can catch, and replays the same way', async () => {
    const impatient = defineWorkflow('impatient', async (ctx) => {
      try {
        await ctx.waitForEvent(PaymentConfirmed, { key: 'never', timeout: 30 });
        return 'paid';
      } catch (error) {
        return error instanceof EventWaitTimeoutError ? `gave up: ${error.code}` : `other: ${String(error)}`;
      }
    });
    const store = new PersistentStore(createMemoryStore());
    const first = await createTutti({ store, workflows: [impatient] });
    assert.equal(await (await first.start(impatient, null, { id: 'i-1' })).result(), 'gave up: EVENT_WAIT_TIMEOUT');
    await first.close();
    const journal = (await store.readRunState('i-1'))?.journal;
    assert.equal(journal?.[0]?.ok, false);
    assert.match(journal?.[0]?.output ?? '', /EventWaitTimeoutError/);
    await store.destroy();
  });

  test('survives a restart: an event published while the engine was down is found', async () => {
    const store = new PersistentStore(createMemoryStore());
    const first = await tuttiOn(store as never);
    await first.start(checkout, { orderId: 'o-9' }, { id: 'c-9' });
    await waitForStatus(store, 'c-9', 'sleeping');
    await first.close(); // the run stays in flight

    // Another process confirms the payment while this engine is down.
    const other = await createTutti({ store, events: [PaymentConfirmed], resume: false });
    const confirmation = await other.publish(PaymentConfirmed, { orderId: 'o-9', amount: 7 }, { key: 'o-9' });
    await other.close();

    const second = await tuttiOn(store as never);
    try {
      assert.deepEqual(second.resumed, ['c-9']);
      assert.deepEqual(await (await second.handle('c-9')).result(), { amount: 7, id: confirmation.id });
    } finally {
      await second.close();
      await store.destroy();
    }
  });

  test('refuses a bad timeout with ConfigError naming the call', async () => {
    const bad = defineWorkflow('bad', (ctx) => ctx.waitForEvent(PaymentConfirmed, { timeout: 'soon' as never }));
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [bad] });
    try {
      const error = await rejection((await tutti.start(bad, null)).result());
      assert.equal(error.cause?.code, 'CONFIG_INVALID');
      assert.match(error.cause?.message, /ctx.waitForEvent: timeout/);
    } finally {
      await tutti.close();
    }
  });
});

describe('signals', () => {
  const approval = defineWorkflow('approval', async (ctx) => {
    const first = await ctx.waitForSignal<{ by: string }>('approve');
    const second = await ctx.waitForSignal<{ by: string }>('approve', { timeout: '5s' });
    return [first.by, second.by];
  });

  test('takes each signal once, in order, including one sent before the wait; other runs are not disturbed', async () => {
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [approval] });
    try {
      const run = await tutti.start(approval, null, { id: 'a-1' });
      await tutti.signal('a-1', 'approve', { by: 'ann' }); // may arrive before or while it waits
      await tutti.signal('someone-else', 'approve', { by: 'mallory' });
      await waitFor(async () => (await tutti.store.readRunState('a-1'))?.journal.length === 1);
      await tutti.signal('a-1', 'approve', { by: 'bob' });
      assert.deepEqual(await run.result(), ['ann', 'bob']);
      await assert.rejects(tutti.signal('a-1', 'not a name', {}), { code: 'CONFIG_INVALID' });
    } finally {
      await tutti.close();
    }
  });
});
