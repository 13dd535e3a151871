export type { Bus, BusSubscription, Delivery, DeliveryHandler, ReplayFrom, SubscribeOptions } from './bus.js';
export { type CloudEvent, toCloudEvent, toNewEvent } from './cloud-event.js';
export { createEmbeddedBus, type EmbeddedBusOptions } from './embedded/embedded-bus.js';
export { newEventId } from './event-id.js';
