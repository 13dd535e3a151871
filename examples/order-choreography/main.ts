/**
 * `npx tsx examples/order-choreography/main.ts`: two orders through the choreographed shop; the
 * second card is declined and the order is cancelled by events. Prints what the customer heard
 * and, for the cancelled order, the chain of events that led there.
 */
import { mkdirSync } from 'node:fs';
import { createTutti, type Published } from '../../src/index.js';
import { createShop, OrderPlaced } from './order-choreography.js';

mkdirSync('.tutti', { recursive: true });
const shop = createShop();
const tutti = await createTutti({
  store: 'sqlite:.tutti/shop.db',
  events: [OrderPlaced],
  subscribers: shop.subscribers,
});
const suffix = Date.now().toString(36);
const orders = [
  { orderId: `A-${suffix}`, amount: 499, card: 'card-ok' },
  { orderId: `B-${suffix}`, amount: 998, card: 'card-declined' },
];
const published: Published[] = [];
for (const order of orders) published.push(await tutti.publish(OrderPlaced, order, { key: order.orderId }));
while (shop.messages.length < 4) await new Promise((resolve) => setTimeout(resolve, 10));
for (const message of shop.messages) console.log(`customer: ${message}`);

// Why was B cancelled? Follow its conversation (correlation id) through the log.
const chain = (await tutti.store.readEvents({ limit: 10_000 })).filter(
  (e) => JSON.parse(e.extensions ?? '{}').correlationid === published[1]?.id,
);
console.log(`order ${orders[1]?.orderId}, event by event:`);
for (const e of chain) console.log(`  ${e.type} ${e.data}`);
await tutti.close();
