/**
 * Seed 002's order flow, choreographed: no orchestrator, each service reacts to events.
 *
 *   OrderPlaced ──► payment ──► PaymentSucceeded ──► shipping ──► OrderShipped ──► notification
 *        │              └─────► PaymentFailed ──► orders (cancel) ──► OrderCancelled ──► notification
 *        └────────► notification ("we got your order")
 *
 * The compensating path is events too: a failed payment makes the order service cancel the order,
 * and the customer hears about it. Every event carries the order's conversation (correlation id)
 * and the event that caused it, so "why was this order cancelled?" has an answer.
 */
import Type from 'typebox';
import { defineEvent, defineSubscriber } from '../../src/index.js';

const orderId = Type.String({ minLength: 1 });
export const OrderPlaced = defineEvent(
  'shop.order-placed',
  Type.Object({ orderId, amount: Type.Number({ minimum: 0 }), card: Type.String() }),
);
export const PaymentSucceeded = defineEvent(
  'shop.payment-succeeded',
  Type.Object({ orderId, paymentId: Type.String() }),
);
export const PaymentFailed = defineEvent('shop.payment-failed', Type.Object({ orderId, reason: Type.String() }));
export const OrderShipped = defineEvent('shop.order-shipped', Type.Object({ orderId, trackingNumber: Type.String() }));
export const OrderCancelled = defineEvent('shop.order-cancelled', Type.Object({ orderId, reason: Type.String() }));

/** The shop's services as subscribers, with what each did (for the demo and the test). */
export function createShop() {
  const orders = new Map<string, 'placed' | 'paid' | 'shipped' | 'cancelled'>();
  const messages: string[] = [];
  const key = (o: { orderId: string }) => ({ key: o.orderId });

  const payment = defineSubscriber('payment.on-order-placed', OrderPlaced, (order, ctx) => {
    if (order.card === 'card-declined')
      ctx.publish(PaymentFailed, { orderId: order.orderId, reason: 'card declined' }, key(order));
    else ctx.publish(PaymentSucceeded, { orderId: order.orderId, paymentId: `pay-${order.orderId}` }, key(order));
  });
  const shipping = defineSubscriber('shipping.on-payment-succeeded', PaymentSucceeded, (paid, ctx) => {
    orders.set(paid.orderId, 'shipped');
    ctx.publish(OrderShipped, { orderId: paid.orderId, trackingNumber: `TRK-${paid.orderId}` }, key(paid));
  });
  const cancel = defineSubscriber('orders.on-payment-failed', PaymentFailed, (failed, ctx) => {
    orders.set(failed.orderId, 'cancelled');
    ctx.publish(OrderCancelled, { orderId: failed.orderId, reason: failed.reason }, key(failed));
  });
  const notifications = [
    defineSubscriber('notification.on-order-placed', OrderPlaced, (e) => {
      messages.push(`${e.orderId}: we got your order`);
    }),
    defineSubscriber('notification.on-order-shipped', OrderShipped, (e) => {
      messages.push(`${e.orderId}: shipped, tracking ${e.trackingNumber}`);
    }),
    defineSubscriber('notification.on-order-cancelled', OrderCancelled, (e) => {
      messages.push(`${e.orderId}: cancelled (${e.reason}), nothing was charged`);
    }),
  ];
  return { orders, messages, subscribers: [payment, shipping, cancel, ...notifications] };
}
