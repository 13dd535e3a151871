/**
 * `npm start`: the order saga on the embedded SQLite store, printing each step as it happens.
 * One order goes through; the next one's card is declined and its reservation is released.
 */
import { mkdirSync } from 'node:fs';
import { createTutti, type RunFailedError } from '../../src/index.js';
import { createOrderServices, definePlaceOrder, type Order } from './order-saga.js';

const services = createOrderServices();
const placeOrder = definePlaceOrder(services);

mkdirSync('.tutti', { recursive: true });
const tutti = await createTutti({
  store: 'sqlite:.tutti/demo.db',
  services: [services.inventory, services.payment, services.shipping],
  workflows: [placeOrder],
});

const t0 = Date.now();
const at = () => `+${String(Date.now() - t0).padStart(4)} ms`;
tutti.events.on('run:started', (e) => console.log(`${at()}  ▶ ${e.runId} started`));
tutti.events.on('step:completed', (e) => console.log(`${at()}    ✓ ${e.step} → ${JSON.stringify(e.output)}`));
tutti.events.on('step:failed', (e) => console.log(`${at()}    ✗ ${e.step}: ${(e.error as Error).message}`));
tutti.events.on('compensation:completed', (e) => console.log(`${at()}    ↩ ${e.step} (compensation)`));
tutti.events.on('run:completed', (e) => console.log(`${at()}  ■ ${e.runId} completed: ${JSON.stringify(e.output)}`));
tutti.events.on('run:failed', (e) => console.log(`${at()}  ■ ${e.runId} failed`));

const suffix = Date.now().toString(36);
const orders: Order[] = [
  { id: `A-${suffix}`, sku: 'sku-guitar', quantity: 1, amount: 499, card: 'card-ok' },
  { id: `B-${suffix}`, sku: 'sku-guitar', quantity: 2, amount: 998, card: 'card-declined' },
];

for (const order of orders) {
  const run = await tutti.start(placeOrder, order, { id: `order-${order.id}` });
  try {
    await run.result();
  } catch (error) {
    console.log(`          reason: ${(error as RunFailedError).message}`);
  }
}
console.log(`\nstock of sku-guitar after both orders: ${services.stock.get('sku-guitar')} (started with 5)`);
console.log('runs are kept in .tutti/demo.db — try: npx tutti runs list --db .tutti/demo.db');
await tutti.close();
