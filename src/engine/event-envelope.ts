/**
 * Builds the CloudEvents envelope of an event a user publishes (`tutti.publish`, a subscriber's
 * `ctx.publish`, a workflow's `ctx.emit`): the data is validated against the producer's contract,
 * checked to be JSON (naming the path that is not) and within the size limit, so that nothing
 * invalid reaches the log. Causality travels in the extension attributes.
 */
import { type CloudEvent, isoTime, rememberEncodedData } from '../bus/cloud-event.js';
import { newEventId } from '../bus/event-id.js';
import type { EventContract } from '../contracts/event-contract.js';
import { EventTooLargeError } from '../core/errors.js';
import { encode } from '../core/serialize.js';

export interface PublishOptions {
  /** The ordering key (CloudEvents `subject`): events with the same key are delivered in order. */
  key?: string;
  /** The event's id; publishing an id again is a no-op. @default a random UUID */
  id?: string;
  /** The conversation the event belongs to. @default its own id: a new conversation */
  correlationId?: string;
  /** W3C trace context to carry along. */
  traceparent?: string;
}

/** What caused an event: inherited by the events a handler or a run publishes. */
export interface Cause {
  correlationId: string;
  causationId: string;
  traceparent?: string;
}

export class EnvelopeFactory {
  constructor(
    private readonly source: string,
    private readonly maxBytes: number,
    private readonly clock: () => number,
  ) {}

  build<T>(contract: EventContract<T>, data: T, options: PublishOptions = {}, cause?: Cause): CloudEvent<T> {
    const valid = contract.validate(data);
    const encoded = encode(valid, `the data of event '${contract.type}'`);
    const bytes = Buffer.byteLength(encoded.json ?? '');
    if (bytes > this.maxBytes) throw new EventTooLargeError(contract.type, bytes, this.maxBytes);
    const id = options.id ?? newEventId();
    const event: CloudEvent<T> = {
      specversion: '1.0',
      id,
      source: this.source,
      type: contract.type,
      time: isoTime(this.clock()),
      datacontenttype: 'application/json',
      data: encoded.value as T,
      correlationid: options.correlationId ?? cause?.correlationId ?? id,
      dataversion: contract.version,
    };
    if (options.key !== undefined) event.subject = options.key;
    if (cause) event.causationid = cause.causationId;
    const traceparent = options.traceparent ?? cause?.traceparent;
    if (traceparent !== undefined) event.traceparent = traceparent;
    if (encoded.json !== undefined) rememberEncodedData(event, encoded.json);
    return event;
  }
}
