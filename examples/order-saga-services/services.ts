/**
 * One microservice per process: `node --import tsx services.ts <inventory|payment|shipping> <url>`.
 * Each is a `tutti/client` worker of the server at <url>; it knows nothing of the saga, only its
 * own steps. Its stock and ledger live in this process, as a real service's database would.
 */
import { createWorker, defineService, NonRetryableError } from '../../src/client/index.js';
import type { Order, Reservation } from './contract.js';

const [name, url] = process.argv.slice(2) as [string, string];
const pid = process.pid;
const stock = new Map([['sku-guitar', 5]]);

const services = {
  inventory: defineService('inventory', {
    reserve: async (order: Order) => {
      const left = stock.get(order.sku) ?? 0;
      if (left < order.quantity) throw new NonRetryableError(`out of stock: ${order.sku}`);
      stock.set(order.sku, left - order.quantity);
      return { reservationId: `res-${order.id}`, sku: order.sku, quantity: order.quantity, pid };
    },
    release: async (reservation: Reservation) => {
      stock.set(reservation.sku, (stock.get(reservation.sku) ?? 0) + reservation.quantity);
      return { released: reservation.reservationId, pid };
    },
  }),
  payment: defineService('payment', {
    charge: async (order: Order, ctx) => {
      if (order.card === 'card-declined') throw new NonRetryableError(`card declined for order ${order.id}`);
      // A real gateway is given ctx.idempotencyKey, so that a charge repeated after a crash (the
      // worker's lease ran out mid-call) is not made twice.
      return { paymentId: `pay-${order.id}`, idempotencyKey: ctx.idempotencyKey, pid };
    },
  }),
  shipping: defineService('shipping', {
    ship: async (request: { orderId: string; reservationId: string }) => ({
      trackingNumber: `track-${request.orderId}`,
      pid,
    }),
  }),
};

const service = services[name as keyof typeof services];
if (!service || !url) {
  console.error('usage: services.ts <inventory|payment|shipping> <server url>');
  process.exit(2);
}
const worker = createWorker({ url, workerId: `${name}-${pid}` });
worker.serve(service, { concurrency: 5 });
await worker.start();
console.log(`${name} (pid ${pid}) serving ${url}`);
process.once('SIGTERM', () => {
  void worker.stop({ drainMs: 5_000 }).then(() => process.exit(0));
});
