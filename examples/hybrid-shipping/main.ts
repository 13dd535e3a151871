/**
 * `npx tsx examples/hybrid-shipping/main.ts`: two orders placed by the Order domain; the Shipping
 * domain's workflow ships one and fails the other (no carrier to Atlantis), and the Order domain
 * learns both outcomes from events.
 */
import { mkdirSync } from 'node:fs';
import { createTutti } from '../../src/index.js';
import { createOrders, createShipping, OrderPlaced } from './hybrid-shipping.js';

mkdirSync('.tutti', { recursive: true });
const shipping = createShipping();
const orders = createOrders();
const tutti = await createTutti({
  store: 'sqlite:.tutti/hybrid.db',
  events: [OrderPlaced],
  services: shipping.services,
  workflows: shipping.workflows,
  subscribers: [...shipping.subscribers, ...orders.subscribers],
});
const suffix = Date.now().toString(36);
const placed = [
  { orderId: `A-${suffix}`, items: ['guitar', 'strings'], address: '1 Main St, Springfield' },
  { orderId: `B-${suffix}`, items: ['amp'], address: '7 Coral Way, Atlantis' },
];
for (const order of placed) {
  console.log(`orders: placed ${order.orderId}`);
  await tutti.publish(OrderPlaced, order, { key: order.orderId });
}
while (orders.status.size < placed.length) await new Promise((resolve) => setTimeout(resolve, 10));
for (const line of shipping.log) console.log(`  shipping: ${line}`);
for (const [orderId, status] of orders.status) console.log(`orders: ${orderId} ${status}`);
await tutti.close();
