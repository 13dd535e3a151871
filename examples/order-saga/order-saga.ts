/**
 * Seed 002, orchestrated: an order saga. The orchestrator reserves inventory, charges the
 * payment, then ships; if the payment fails for good, the reservation is released.
 */
import { defineService, defineWorkflow, NonRetryableError } from '../../src/index.js';

export interface Order {
  id: string;
  sku: string;
  quantity: number;
  amount: number;
  /** The card on file; the demo's payment service declines 'card-declined'. */
  card: string;
}

/** In-memory stand-ins for the three microservices, recording what they did. */
export function createOrderServices(ledger: string[] = []) {
  const stock = new Map<string, number>([['sku-guitar', 5]]);

  const inventory = defineService('inventory', {
    reserve: async (order: Order) => {
      const left = stock.get(order.sku) ?? 0;
      if (left < order.quantity) throw new NonRetryableError(`out of stock: ${order.sku}`);
      stock.set(order.sku, left - order.quantity);
      ledger.push(`inventory.reserve ${order.id}`);
      return { reservationId: `res-${order.id}`, sku: order.sku, quantity: order.quantity };
    },
    release: async (reservation: { reservationId: string; sku: string; quantity: number }) => {
      stock.set(reservation.sku, (stock.get(reservation.sku) ?? 0) + reservation.quantity);
      ledger.push(`inventory.release ${reservation.reservationId}`);
    },
  });

  const payment = defineService('payment', {
    charge: async (order: Order, ctx) => {
      if (order.card === 'card-declined') throw new NonRetryableError(`card declined for order ${order.id}`);
      ledger.push(`payment.charge ${order.id} (key ${ctx.idempotencyKey})`);
      return { paymentId: `pay-${order.id}`, amount: order.amount };
    },
  });

  const shipping = defineService('shipping', {
    ship: async (request: { orderId: string; reservationId: string }) => {
      ledger.push(`shipping.ship ${request.orderId}`);
      return { trackingNumber: `track-${request.orderId}` };
    },
  });

  return { inventory, payment, shipping, stock, ledger };
}

export type OrderServices = ReturnType<typeof createOrderServices>;

export function definePlaceOrder({ inventory, payment, shipping }: OrderServices) {
  return defineWorkflow('placeOrder', async (ctx, order: Order) => {
    const reservation = await ctx.step(inventory.reserve, order, { compensate: inventory.release });
    const charge = await ctx.step(payment.charge, order, { retry: { maxAttempts: 5 }, timeout: '10s' });
    const shipment = await ctx.step(shipping.ship, { orderId: order.id, reservationId: reservation.reservationId });
    return { orderId: order.id, paymentId: charge.paymentId, trackingNumber: shipment.trackingNumber };
  });
}
