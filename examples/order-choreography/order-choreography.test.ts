import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTutti } from '../../src/index.js';
import { waitFor } from '../../test/conformance/bus.case.js';
import { tempDbPath } from '../../test/helpers/temp-db.js';
import { createShop, OrderPlaced } from './order-choreography.js';

test('a paid order ships; a declined one is cancelled by the compensating events, traceable end to end', async () => {
  const db = tempDbPath();
  const shop = createShop();
  const tutti = await createTutti({ store: `sqlite:${db.path}`, events: [OrderPlaced], subscribers: shop.subscribers });
  try {
    const ok = await tutti.publish(OrderPlaced, { orderId: 'A', amount: 10, card: 'card-ok' }, { key: 'A' });
    const declined = await tutti.publish(
      OrderPlaced,
      { orderId: 'B', amount: 20, card: 'card-declined' },
      { key: 'B' },
    );
    await waitFor(() => shop.messages.length === 4);
    assert.deepEqual(shop.messages.sort(), [
      'A: shipped, tracking TRK-A',
      'A: we got your order',
      'B: cancelled (card declined), nothing was charged',
      'B: we got your order',
    ]);
    assert.deepEqual([...shop.orders].sort(), [
      ['A', 'shipped'],
      ['B', 'cancelled'],
    ]);

    // Each order's conversation, in causal order: every event names the one that caused it.
    const events = await tutti.store.readEvents({ limit: 100 });
    const conversation = (id: string) =>
      events
        .filter((e) => JSON.parse(e.extensions ?? '{}').correlationid === id)
        .map((e) => [e.type, JSON.parse(e.extensions ?? '{}').causationid ?? null]);
    assert.deepEqual(conversation(ok.id), [
      ['shop.order-placed', null],
      ['shop.payment-succeeded', ok.id],
      ['shop.order-shipped', `${ok.id}/payment.on-order-placed/0`],
    ]);
    assert.deepEqual(conversation(declined.id), [
      ['shop.order-placed', null],
      ['shop.payment-failed', declined.id],
      ['shop.order-cancelled', `${declined.id}/payment.on-order-placed/0`],
    ]);
  } finally {
    await tutti.close();
    db.remove();
  }
});
