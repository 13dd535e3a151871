import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, test } from 'node:test';
import { createTutti, RunFailedError, type Tutti } from '../../src/index.js';
import { tempDbPath } from '../../test/helpers/temp-db.js';
import { createOrderServices, definePlaceOrder, type Order } from './order-saga.js';

let db: ReturnType<typeof tempDbPath>;
let tutti: Tutti;
let services: ReturnType<typeof createOrderServices>;
let placeOrder: ReturnType<typeof definePlaceOrder>;

beforeEach(async () => {
  db = tempDbPath();
  services = createOrderServices();
  placeOrder = definePlaceOrder(services);
  tutti = await createTutti({
    store: `sqlite:${db.path}`,
    services: [services.inventory, services.payment, services.shipping],
    workflows: [placeOrder],
  });
});
afterEach(async () => {
  await tutti.close();
  db.remove();
});

const order = (id: string, card = 'card-ok'): Order => ({ id, sku: 'sku-guitar', quantity: 2, amount: 10, card });

test('an order is reserved, charged and shipped, in that order', async () => {
  const run = await tutti.start(placeOrder, order('1'), { id: 'order-1' });
  assert.deepEqual(await run.result(), { orderId: '1', paymentId: 'pay-1', trackingNumber: 'track-1' });
  assert.deepEqual(services.ledger, ['inventory.reserve 1', 'payment.charge 1 (key order-1:1)', 'shipping.ship 1']);
  assert.equal(services.stock.get('sku-guitar'), 3);
});

test('a declined payment releases the reservation and nothing ships', async () => {
  const run = await tutti.start(placeOrder, order('2', 'card-declined'), { id: 'order-2' });
  const error = await run.result().then(
    () => assert.fail('the run must fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof RunFailedError);
  assert.match(error.message, /card declined for order 2/);
  assert.deepEqual(services.ledger, ['inventory.reserve 2', 'inventory.release res-2']);
  assert.equal(services.stock.get('sku-guitar'), 5, 'the reservation was given back');
  const info = await run.info();
  assert.equal(info.status, 'failed');
});

test('placing the same order twice runs it once', async () => {
  const first = await tutti.start(placeOrder, order('3'), { id: 'order-3' });
  await first.result();
  const second = await tutti.start(placeOrder, order('3'), { id: 'order-3' });
  assert.equal(second.created, false);
  assert.deepEqual(await second.result(), await first.result());
  assert.equal(services.ledger.filter((l) => l.startsWith('payment.charge')).length, 1);
});

test('npm start prints each step of both orders as it happens', () => {
  const demo = spawnSync(process.execPath, ['--import', 'tsx', 'examples/order-saga/main.ts'], { encoding: 'utf8' });
  assert.equal(demo.status, 0, demo.stderr);
  for (const line of [
    '✓ inventory.reserve',
    '✓ payment.charge',
    '✓ shipping.ship',
    '✗ payment.charge',
    '↩ inventory.release',
  ]) {
    assert.ok(demo.stdout.includes(line), `missing '${line}' in:\n${demo.stdout}`);
  }
  assert.match(demo.stdout, /stock of sku-guitar after both orders: 4/);
});
