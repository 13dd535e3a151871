// Run by bus-crash.test.ts as a child process that gets SIGKILLed.
//   bus-crash-child.ts <db> <deliveries.log> <published.log> publish <count>
//   bus-crash-child.ts <db> <deliveries.log> <published.log> consume
// Two subscriptions consume every 'order.placed'; each handler appends "<subscription> <seq> <key>"
// to deliveries.log (synchronously, before it returns: the delivery is done once the line is
// there). The publisher appends "<seq>" to published.log once a publish has resolved (durable).
import { appendFileSync } from 'node:fs';
import { createEmbeddedBus } from '../../src/bus/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const [db, deliveries, published, mode, count] = process.argv.slice(2) as [string, string, string, string, string];
const store = createSqliteStore({ path: db });
const bus = createEmbeddedBus(store, { pollInterval: 20 });
const subscriptions = await Promise.all(
  ['billing', 'audit'].map((name) =>
    bus.subscribe({
      name,
      types: ['order.placed'],
      from: 'beginning',
      concurrency: 8,
      handler: async (d) => {
        await new Promise((resolve) => setTimeout(resolve, d.seq % 3));
        appendFileSync(deliveries, `${name} ${d.seq} ${d.event.subject}\n`);
      },
    }),
  ),
);

if (mode === 'publish') {
  const total = Number(count);
  for (let i = 0; i < total; i += 20) {
    const batch = Array.from({ length: 20 }, (_, j) => ({
      specversion: '1.0' as const,
      id: `order-${i + j}`,
      source: '/orders',
      type: 'order.placed',
      subject: `key-${(i + j) % 7}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json' as const,
      data: { n: i + j },
    }));
    const results = await bus.publish(batch);
    appendFileSync(published, results.map((r) => `${r.seq}\n`).join(''));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
await Promise.all(subscriptions.map((s) => s.idle()));
await bus.close();
await store.close();
console.log('done');
