/**
 * A hybrid (seed 002's closing advice): choreography between domains, orchestration inside one.
 * The Order domain only publishes OrderPlaced and listens for OrderShipped; it knows nothing of
 * how shipping works. Inside the Shipping domain, OrderPlaced starts an orchestrated workflow
 * (pick, pack, hand to the carrier, with a compensation if the carrier refuses) that announces
 * the result with ctx.emit: in the same transaction as its journal, so exactly once.
 */
import Type from 'typebox';
import {
  defineEvent,
  defineService,
  defineSubscriber,
  defineWorkflow,
  NonRetryableError,
  on,
  StepFailedError,
} from '../../src/index.js';

export const OrderPlaced = defineEvent(
  'orders.order-placed',
  Type.Object({ orderId: Type.String(), items: Type.Array(Type.String(), { minItems: 1 }), address: Type.String() }),
);
export const OrderShipped = defineEvent(
  'shipping.order-shipped',
  Type.Object({ orderId: Type.String(), trackingNumber: Type.String() }),
);
export const ShipmentFailed = defineEvent(
  'shipping.shipment-failed',
  Type.Object({ orderId: Type.String(), reason: Type.String() }),
);

type Order = { orderId: string; items: string[]; address: string };

/** The Shipping domain: its services, its workflow, and the trigger that starts it. */
export function createShipping() {
  const log: string[] = [];
  const warehouse = defineService('warehouse', {
    pick: async (order: Order) => {
      log.push(`picked ${order.items.join('+')} for ${order.orderId}`);
      return { binId: `bin-${order.orderId}` };
    },
    restock: async (pick: { binId: string }) => {
      log.push(`restocked ${pick.binId}`);
    },
    pack: async (order: Order) => {
      log.push(`packed ${order.orderId}`);
      return { parcelId: `parcel-${order.orderId}` };
    },
  });
  const carrier = defineService('carrier', {
    handOver: async (parcel: { parcelId: string; address: string }) => {
      if (parcel.address.includes('Atlantis')) throw new NonRetryableError(`no carrier delivers to ${parcel.address}`);
      log.push(`handed ${parcel.parcelId} to the carrier`);
      return { trackingNumber: `TRK-${parcel.parcelId}` };
    },
  });
  const shipOrder = defineWorkflow('shipping.ship-order', async (ctx, order: Order) => {
    const pick = await ctx.step(warehouse.pick, order, { compensate: warehouse.restock });
    const parcel = await ctx.step(warehouse.pack, order);
    try {
      const { trackingNumber } = await ctx.step(carrier.handOver, { ...parcel, address: order.address });
      await ctx.emit(OrderShipped, { orderId: order.orderId, trackingNumber }, { key: order.orderId });
      return { trackingNumber, binId: pick.binId };
    } catch (error) {
      const cause = error instanceof StepFailedError ? error.cause : error;
      const reason = cause instanceof Error ? cause.message : String(cause);
      await ctx.emit(ShipmentFailed, { orderId: order.orderId, reason }, { key: order.orderId });
      throw error; // the run fails and the pick is restocked (compensation)
    }
  });
  const trigger = on(OrderPlaced).start(shipOrder, { id: (order) => `ship-${order.orderId}` });
  return { log, services: [warehouse, carrier], workflows: [shipOrder], subscribers: [trigger], shipOrder };
}

/** The Order domain: what it knows of an order's fate, learnt from events only. */
export function createOrders() {
  const status = new Map<string, string>();
  const shipped = defineSubscriber('orders.on-order-shipped', OrderShipped, (e) => {
    status.set(e.orderId, `shipped (${e.trackingNumber})`);
  });
  const failed = defineSubscriber('orders.on-shipment-failed', ShipmentFailed, (e) => {
    status.set(e.orderId, `not shipped: ${e.reason}`);
  });
  return { status, subscribers: [shipped, failed] };
}
