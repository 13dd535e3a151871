/**
 * What the orchestrator knows of the three services: their names and their steps' signatures,
 * not their code (remoteService). The saga itself is seed 002's, as in examples/order-saga, but
 * every step runs in the process of its own service.
 */
import { defineWorkflow, remoteService } from '../../src/index.js';

import type { Order } from '../order-saga/order-saga.js';

export type { Order };
export interface Reservation {
  reservationId: string;
  sku: string;
  quantity: number;
}
/** Each service says which process did the work: the example shows one process per service. */
type Done<T> = T & { pid: number };

export const inventory = remoteService<{
  reserve: (order: Order) => Done<Reservation>;
  release: (reservation: Reservation) => Done<{ released: string }>;
}>('inventory', ['reserve', 'release']);
export const payment = remoteService<{ charge: (order: Order) => Done<{ paymentId: string; idempotencyKey: string }> }>(
  'payment',
  ['charge'],
);
export const shipping = remoteService<{
  ship: (request: { orderId: string; reservationId: string }) => Done<{ trackingNumber: string }>;
}>('shipping', ['ship']);

export const placeOrder = defineWorkflow('placeOrder', async (ctx, order: Order) => {
  const reservation = await ctx.step(inventory.reserve, order, { compensate: inventory.release });
  const charge = await ctx.step(payment.charge, order, { retry: { maxAttempts: 3 }, timeout: '30s' });
  const shipment = await ctx.step(shipping.ship, { orderId: order.id, reservationId: reservation.reservationId });
  return {
    orderId: order.id,
    paymentId: charge.paymentId,
    trackingNumber: shipment.trackingNumber,
    processes: { inventory: reservation.pid, payment: charge.pid, shipping: shipment.pid },
  };
});
