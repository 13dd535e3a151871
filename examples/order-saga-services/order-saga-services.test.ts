/**
 * End to end: the saga's three services run in three processes of their own, with one tutti
 * server; an order completes with each step done by its service's process, a declined card is
 * compensated by the inventory process, and an order placed while the shipping service is down
 * waits for it and completes once it is back.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { createClient } from '../../src/client/index.js';
import { placeOrder } from './contract.js';
import { type SagaDemo, startDemo } from './main.js';

let demo: SagaDemo;
before(async () => {
  demo = await startDemo();
});
after(() => demo?.stop());

test('each step runs in its own service’s process; a declined card is compensated there', async () => {
  const ok = await demo.server.tutti.start(
    placeOrder,
    { id: 'A', sku: 'sku-guitar', quantity: 1, amount: 499, card: 'card-ok' },
    { id: 'order-A' },
  );
  const result = await ok.result();
  assert.equal(result.trackingNumber, 'track-A');
  const [inventoryPid, paymentPid, shippingPid] = demo.services.map((child) => child.pid);
  assert.deepEqual(result.processes, { inventory: inventoryPid, payment: paymentPid, shipping: shippingPid });
  assert.ok(!Object.values(result.processes).includes(process.pid), 'no step ran in the server process');

  const declined = await demo.server.tutti.start(
    placeOrder,
    { id: 'B', sku: 'sku-guitar', quantity: 2, amount: 998, card: 'card-declined' },
    { id: 'order-B' },
  );
  await assert.rejects(declined.result(), /card declined for order B/);
  const journal = (await demo.server.tutti.store.readRunState('order-B'))?.journal ?? [];
  const release = journal.find((entry) => entry.kind === 'compensation');
  assert.deepEqual(JSON.parse(release?.output ?? 'null'), { released: 'res-B', pid: inventoryPid });
});

test('orders can be placed over HTTP too, with tutti/client', async () => {
  const client = createClient({ url: demo.server.url });
  const started = await client.start(
    'placeOrder',
    { id: 'D', sku: 'sku-guitar', quantity: 1, amount: 5, card: 'card-ok' },
    {
      id: 'order-D',
    },
  );
  assert.equal(started.id, 'order-D');
  const result = await (await demo.server.tutti.handle('order-D')).result();
  assert.equal((result as { trackingNumber: string }).trackingNumber, 'track-D');
});

test('an order placed while a service is down waits for it, and completes when it is back', async () => {
  const shipping = demo.services[2];
  shipping?.kill('SIGKILL');
  await new Promise((resolve) => shipping?.once('exit', resolve));
  const run = await demo.server.tutti.start(
    placeOrder,
    { id: 'C', sku: 'sku-guitar', quantity: 1, amount: 10, card: 'card-ok' },
    { id: 'order-C' },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await run.info()).status, 'running', 'the shipping step waits for a worker');

  const here = new URL('./services.ts', import.meta.url).pathname;
  const again = spawn(process.execPath, ['--import', 'tsx', here, 'shipping', demo.server.url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  demo.services[2] = again;
  const result = await run.result();
  assert.equal(result.processes.shipping, again.pid);
});
