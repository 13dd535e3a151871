/**
 * The CloudEvents a slip travels and reports as. Every event of a slip has the tracking id as its
 * correlation id (its conversation) and its subject (its ordering key), and the id of the event
 * that caused it as its causation id, so `tutti events tail` and a trace follow the slip hop by
 * hop. Ids are `<trackingId>/<hop>/<kind>`: derived from the slip, never random, so a host that
 * handles a slip event again publishes the same ids and the log keeps one of each.
 */
import type { Bus } from '../bus/bus.js';
import { type CloudEvent, isoTime, rememberEncodedData } from '../bus/cloud-event.js';
import type { EventContract } from '../contracts/event-contract.js';
import { encode } from '../core/serialize.js';
import type { RoutingSlip } from './slip.js';

export interface EventStamp {
  /** The CloudEvents source of what this process publishes. */
  source: string;
  /** Epoch ms of the events. */
  now: number;
  /** The event being handled; absent for the first event of a slip. */
  cause?: CloudEvent;
  /** W3C trace context for a slip's first event (later ones inherit their cause's). */
  traceparent?: string;
}

/** A bus, or what carries one (a Tutti instance): slips need only the bus port. */
export type BusLike = Bus | { readonly bus: Bus };

export function busOf(target: BusLike): Bus {
  return 'subscribe' in target ? target : target.bus;
}

/** The id of an event of the slip at `hop`. */
export function slipEventId(trackingId: string, hop: number, kind: string): string {
  return `${trackingId}/${hop}/${kind}`;
}

/** A slip event carrying the slip itself (execute or compensate). */
export function slipMessage(type: string, slip: RoutingSlip, kind: string, stamp: EventStamp): CloudEvent {
  return envelope(type, slip, slipEventId(slip.trackingId, slip.hops, kind), slip.trackingId, stamp);
}

/** A follow event (`tutti.slip.completed`…), validated against its contract. */
export function followEvent<T>(
  contract: EventContract<T>,
  data: T,
  trackingId: string,
  hop: number,
  stamp: EventStamp,
  kind = contract.type.slice(contract.type.lastIndexOf('.') + 1),
): CloudEvent {
  const event = envelope(contract.type, contract.validate(data), slipEventId(trackingId, hop, kind), trackingId, stamp);
  event.dataversion = contract.version;
  return event;
}

function envelope(type: string, data: unknown, id: string, trackingId: string, stamp: EventStamp): CloudEvent {
  const encoded = encode(data, `the data of slip event '${type}'`);
  const event: CloudEvent = {
    specversion: '1.0',
    id,
    source: stamp.source,
    type,
    subject: trackingId,
    time: isoTime(stamp.now),
    datacontenttype: 'application/json',
    data: encoded.value,
    correlationid: trackingId,
  };
  if (stamp.cause) event.causationid = stamp.cause.id;
  const traceparent = stamp.cause?.traceparent ?? stamp.traceparent;
  if (traceparent !== undefined) event.traceparent = traceparent;
  if (encoded.json !== undefined) rememberEncodedData(event, encoded.json);
  return event;
}
