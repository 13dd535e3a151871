/**
 * The CloudEvents 1.0 envelope every event travels in, and its conversion to and from the event
 * log's record. Core attributes are columns of the log; the extension attributes (tracing and
 * causality) travel as one JSON text, so a new extension needs no schema change.
 */
import type { EventRecord, NewEvent } from '../store/event-log.js';

/** A CloudEvents 1.0 event in structured JSON form, with Tutti's extension attributes. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  /** Unique in the log: publishing an id again is a no-op. */
  id: string;
  /** Who produced it, a URI reference such as '/services/orders'. */
  source: string;
  type: string;
  /** The ordering key: events with the same subject reach a subscription in order. */
  subject?: string;
  /** RFC 3339. */
  time: string;
  datacontenttype: 'application/json';
  data?: T;
  /** W3C trace context of the operation that published the event. */
  traceparent?: string;
  /** The conversation this event belongs to; inherited by everything it causes. */
  correlationid?: string;
  /** The id of the event (or `run:step` of the workflow step) that caused this one. */
  causationid?: string;
  /** The contract version the producer validated `data` against. */
  dataversion?: number;
}

const EXTENSIONS = ['traceparent', 'correlationid', 'causationid', 'dataversion'] as const;

/**
 * The JSON text of an envelope's data, when whoever built the envelope has serialized it already
 * (validating it for publish does): toNewEvent then does not serialize it a second time.
 */
const encodedData = new WeakMap<CloudEvent, string>();

/** Records that `json` is the JSON text of `event.data` (the envelope must not change afterwards). */
export function rememberEncodedData(event: CloudEvent, json: string): void {
  encodedData.set(event, json);
}

/** The log record of an envelope (data and extensions as JSON text). */
export function toNewEvent(event: CloudEvent): NewEvent {
  let extensions: Record<string, unknown> | undefined;
  for (const name of EXTENSIONS) {
    if (event[name] === undefined) continue;
    extensions ??= {};
    extensions[name] = event[name];
  }
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject ?? null,
    time: epochMs(event.time),
    data: event.data === undefined ? null : (encodedData.get(event) ?? JSON.stringify(event.data)),
    extensions: extensions ? JSON.stringify(extensions) : null,
  };
}

/** The envelope of a log record. */
export function toCloudEvent<T = unknown>(record: EventRecord): CloudEvent<T> {
  const event: CloudEvent<T> = {
    specversion: '1.0',
    id: record.id,
    source: record.source,
    type: record.type,
    time: isoTime(record.time),
    datacontenttype: 'application/json',
  };
  if (record.subject !== null) event.subject = record.subject;
  if (record.data !== null) event.data = JSON.parse(record.data) as T;
  if (record.extensions !== null) Object.assign(event, JSON.parse(record.extensions));
  return event;
}

// Events come in bursts stamped with the same millisecond: converting a time costs more than
// the rest of an envelope, so the last conversion each way is kept.
let lastIsoMs = Number.NaN;
let lastIso = '';
let lastText = '';
let lastTextMs = Number.NaN;

/** `new Date(ms).toISOString()`, remembering the last answer. */
export function isoTime(ms: number): string {
  if (ms !== lastIsoMs) {
    lastIso = new Date(ms).toISOString();
    lastIsoMs = ms;
  }
  return lastIso;
}

function epochMs(text: string): number {
  if (text !== lastText) {
    lastTextMs = Date.parse(text);
    lastText = text;
  }
  return lastTextMs;
}

/** A record's delivered envelope, kept on the record: the subscriptions of a bus share records. */
const DELIVERED = Symbol('delivered envelope');

/**
 * The envelope delivered for a log record: decoded once however many subscriptions receive it,
 * so it is frozen, data and all (a handler that changed it would change it for the others).
 */
export function deliveredEnvelope(record: EventRecord & { [DELIVERED]?: CloudEvent }): CloudEvent {
  let event = record[DELIVERED];
  if (event === undefined) {
    event = deepFreeze(toCloudEvent(record));
    record[DELIVERED] = event;
  }
  return event;
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  for (const key in value) deepFreeze(value[key]);
  return Object.freeze(value);
}
