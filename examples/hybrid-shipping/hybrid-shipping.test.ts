import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTutti } from '../../src/index.js';
import { waitFor } from '../../test/conformance/bus.case.js';
import { tempDbPath } from '../../test/helpers/temp-db.js';
import { createOrders, createShipping, OrderPlaced } from './hybrid-shipping.js';

test('OrderPlaced starts the Shipping workflow; its outcome comes back to Orders as events', async () => {
  const db = tempDbPath();
  const shipping = createShipping();
  const orders = createOrders();
  const tutti = await createTutti({
    store: `sqlite:${db.path}`,
    events: [OrderPlaced],
    services: shipping.services,
    workflows: shipping.workflows,
    subscribers: [...shipping.subscribers, ...orders.subscribers],
  });
  try {
    await tutti.publish(OrderPlaced, { orderId: 'A', items: ['guitar'], address: '1 Main St' }, { key: 'A' });
    await tutti.publish(OrderPlaced, { orderId: 'B', items: ['amp'], address: 'Atlantis' }, { key: 'B' });
    // The same order announced twice (a producer retrying with a new id) starts nothing twice.
    await tutti.publish(OrderPlaced, { orderId: 'A', items: ['guitar'], address: '1 Main St' }, { key: 'A' });
    await waitFor(() => orders.status.size === 2);
    assert.equal(orders.status.get('A'), 'shipped (TRK-parcel-A)');
    assert.match(orders.status.get('B') ?? '', /^not shipped: no carrier delivers to Atlantis/);

    // ShipmentFailed is emitted before the failing run compensates: wait for both runs to end.
    await waitFor(async () => (await tutti.listRuns({ status: ['completed', 'failed'] })).length === 2);
    const runs = await tutti.listRuns();
    assert.deepEqual(runs.map((r) => [r.id, r.status]).sort(), [
      ['ship-A', 'completed'],
      ['ship-B', 'failed'],
    ]);
    assert.deepEqual(shipping.log.filter((l) => l.startsWith('picked')).sort(), [
      'picked amp for B',
      'picked guitar for A',
    ]);
    assert.ok(shipping.log.includes('restocked bin-B'), 'the failed shipment restocked its pick');

    // The emitted events are caused by their runs and carry them as correlation.
    const shipped = (await tutti.store.readEvents({ types: ['shipping.order-shipped'] }))[0];
    assert.deepEqual(JSON.parse(shipped?.extensions ?? '{}'), {
      correlationid: 'ship-A',
      causationid: 'run:ship-A',
      dataversion: 1,
    });
  } finally {
    await tutti.close();
    db.remove();
  }
});
