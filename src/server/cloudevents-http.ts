/**
 * The receiving side of the CloudEvents HTTP protocol binding
 * (github.com/cloudevents/spec/blob/main/cloudevents/bindings/http-protocol-binding.md): a
 * request in structured, batch or binary mode read into the envelopes the bus publishes. Every
 * attribute is checked, and an error names it as the sender wrote it: `ce-type` in binary mode,
 * `type` in structured mode, `[2].type` in a batch.
 *
 * What the log cannot keep is refused, not altered: data that is not JSON (another content type,
 * `data_base64`). The log keeps the core attributes and Tutti's four extensions (traceparent,
 * correlationid, causationid, dataversion); other extension attributes are dropped.
 *
 * Hand-written rather than the `cloudevents` SDK's `HTTP.toEvent`: the binding is this page, and
 * the SDK checks events against its own JSON Schema, whose error ('invalid payload') names
 * neither the header nor the field at fault.
 */
import { Buffer } from 'node:buffer';
import { type CloudEvent, rememberEncodedData } from '../bus/cloud-event.js';
import { EVENT_TYPE } from '../contracts/event-contract.js';
import type { EventRegistry } from '../contracts/event-registry.js';
import { EventTooLargeError, EventValidationError } from '../core/errors.js';
import { closestName } from '../core/suggest.js';
import { RequestError } from './http-errors.js';
import { parseJson } from './request.js';

export interface IngressOptions {
  /** Data of a type registered here is validated against its contract; other types are not checked. */
  contracts?: EventRegistry;
  /**
   * Only the types of `contracts` are accepted: an event of another type is refused, naming them.
   * Otherwise the bus is open: a type without a contract is accepted unchecked.
   */
  strict?: boolean;
  /** Largest event data, in bytes of JSON. */
  maxEventBytes: number;
  clock: () => number;
}

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

/** Where an event's attributes come from, and how a message names one. */
interface Attributes {
  /** The value as sent; undefined when absent. */
  get(name: string): unknown;
  label(name: string): string;
  /** Header values are text: a number arrives as digits. */
  readonly text: boolean;
  /** Where the data sits in the request body: '' in binary mode (the body is the data), `[2].data` in a batch. */
  readonly dataPath: string;
}

/**
 * The events of a request, checked (attributes, data against its contract, size); throws a
 * RequestError (or EventTooLargeError) naming the attribute at fault, before anything is published.
 */
export function readCloudEvents(headers: Headers, body: string, options: IngressOptions): CloudEvent[] {
  const mediaType = mediaTypeOf(headers.get('content-type'));
  if (mediaType === STRUCTURED) return [structuredEvent(parseJson(body), '', options)];
  if (mediaType === BATCH) {
    const batch = parseJson(body);
    if (!Array.isArray(batch)) {
      throw new RequestError('REQUEST_INVALID', `the request body must be a JSON array of CloudEvents (${BATCH})`);
    }
    return batch.map((item, i) => structuredEvent(item, `[${i}].`, options));
  }
  if (mediaType.startsWith('application/cloudevents')) {
    throw new RequestError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type: '${mediaType}' is not a CloudEvents format Tutti reads; use ${STRUCTURED}, ${BATCH}, ` +
        'or binary mode (ce-* headers, the data as application/json)',
    );
  }
  return [binaryEvent(headers, mediaType, body, options)];
}

function structuredEvent(value: unknown, prefix: string, options: IngressOptions): CloudEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const what = prefix === '' ? 'the request body' : prefix.slice(0, -1);
    throw new RequestError('EVENT_INVALID', `${what}: must be a CloudEvent, a JSON object with "specversion": "1.0"`);
  }
  const object = value as Record<string, unknown>;
  const attributes: Attributes = {
    get: (name) => object[name],
    label: (name) => `${prefix}${name}`,
    text: false,
    dataPath: `${prefix}data`,
  };
  if (object.data_base64 !== undefined) {
    throw new RequestError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${prefix}data_base64: Tutti keeps event data as JSON only; send it as JSON in "data"`,
    );
  }
  const contentType = object.datacontenttype;
  if (contentType !== undefined && (typeof contentType !== 'string' || !isJson(mediaTypeOf(contentType)))) {
    throw new RequestError(
      'UNSUPPORTED_MEDIA_TYPE',
      `${prefix}datacontenttype: ${JSON.stringify(contentType)} is not JSON; Tutti keeps event data as JSON ` +
        'only: send it as JSON with "datacontenttype": "application/json" (or leave it out)',
    );
  }
  return envelope(attributes, object.data, options);
}

function binaryEvent(headers: Headers, mediaType: string, body: string, options: IngressOptions): CloudEvent {
  const attributes: Attributes = {
    get(name) {
      const raw = headers.get(`ce-${name}`);
      if (raw === null) return undefined;
      // The binding percent-encodes header values outside printable ASCII, spaces, '"' and '%'.
      try {
        return decodeURIComponent(raw);
      } catch {
        throw new RequestError('EVENT_INVALID', `ce-${name}: ${JSON.stringify(raw)} is not properly percent-encoded`);
      }
    },
    label: (name) => (name === 'data' ? 'data (the request body)' : `ce-${name}`),
    text: true,
    dataPath: '',
  };
  let data: unknown;
  if (body !== '') {
    if (!isJson(mediaType)) {
      throw new RequestError(
        'UNSUPPORTED_MEDIA_TYPE',
        `Content-Type: ${mediaType === '' ? 'missing' : `'${mediaType}'`}; Tutti keeps event data as JSON only: ` +
          `send the data with Content-Type: application/json (binary mode), or the event as ${STRUCTURED}`,
      );
    }
    data = parseJson(body);
  }
  return envelope(attributes, data, options);
}

/** The envelope of checked attributes and data. */
function envelope(attributes: Attributes, data: unknown, options: IngressOptions): CloudEvent {
  const specversion = attributes.get('specversion');
  if (specversion !== '1.0') {
    throw invalid(
      attributes,
      'specversion',
      specversion === undefined ? 'missing' : `${JSON.stringify(specversion)} is not supported`,
      'Tutti reads CloudEvents 1.0: give "1.0" in the ce-specversion header (binary mode) or "specversion" ' +
        `(structured mode, Content-Type: ${STRUCTURED})`,
    );
  }
  const id = requiredText(attributes, 'id', 'the event id (sending an id again publishes nothing)');
  const type = requiredText(attributes, 'type', 'the event type');
  if (!EVENT_TYPE.test(type)) {
    throw invalid(
      attributes,
      'type',
      `${JSON.stringify(type)} is not an event type`,
      "use letters, digits, '.', '-' or '_', starting with a letter or digit (e.g. 'order.placed')",
    );
  }
  const event: CloudEvent = {
    specversion: '1.0',
    id,
    source: requiredText(attributes, 'source', "who produced it (e.g. '/services/orders')"),
    type,
    time: eventTime(attributes, options.clock),
    datacontenttype: 'application/json',
  };
  for (const name of ['subject', 'traceparent', 'correlationid', 'causationid'] as const) {
    const value = optionalText(attributes, name);
    if (value !== undefined) event[name] = value;
  }
  // As for the events Tutti publishes itself: an event with no correlation starts a conversation.
  event.correlationid ??= id;
  const dataversion = dataVersion(attributes);
  if (dataversion !== undefined) event.dataversion = dataversion;
  checkData(event, data, attributes, options);
  if (data !== undefined) {
    const json = JSON.stringify(data);
    const bytes = Buffer.byteLength(json);
    if (bytes > options.maxEventBytes) throw new EventTooLargeError(type, bytes, options.maxEventBytes);
    event.data = data;
    rememberEncodedData(event, json);
  }
  return event;
}

/**
 * Validates the data against its type's contract: the version in `dataversion`, else the latest
 * (then recorded as the event's dataversion, as a producer's publish does). A type with no contract
 * is accepted as it is (each subscriber still validates what it receives), unless the types are
 * strict.
 */
function checkData(event: CloudEvent, data: unknown, attributes: Attributes, options: IngressOptions): void {
  const versions = options.contracts?.versions(event.type) ?? [];
  if (versions.length === 0) {
    if (options.strict) throw unknownType(event.type, attributes, options.contracts?.types() ?? []);
    return;
  }
  const contract =
    event.dataversion === undefined ? versions.at(-1) : versions.find((c) => c.version === event.dataversion);
  if (contract === undefined) {
    throw invalid(
      attributes,
      'dataversion',
      `event '${event.type}' has no version ${event.dataversion}`,
      `give one of its versions (${versions.map((c) => c.version).join(', ')}), or leave it out for the latest`,
    );
  }
  try {
    contract.validate(data);
  } catch (error) {
    if (error instanceof EventValidationError) {
      // The message as the engine words it; the issue names the field by its place in the body.
      throw new RequestError('EVENT_INVALID', `${attributes.label('data')}: ${error.message}`, {
        issues: [{ path: bodyPath(attributes.dataPath, error.path), message: error.detail }],
      });
    }
    throw error;
  }
  event.dataversion = contract.version;
}

/** A path in the data (`items[0].sku`) as a path in the request body (`[2].data.items[0].sku`). */
function bodyPath(dataPath: string, path: string): string {
  if (dataPath === '' || path === '') return dataPath + path;
  return path.startsWith('[') ? `${dataPath}${path}` : `${dataPath}.${path}`;
}

function unknownType(type: string, attributes: Attributes, known: readonly string[]): RequestError {
  const meant = closestName(type, known);
  return invalid(
    attributes,
    'type',
    `no contract for event type '${type}'${meant === undefined ? '' : ` (did you mean '${meant}'?)`}`,
    'this server accepts only the types it has contracts for (strict events): ' +
      (known.length === 0 ? 'it has none' : known.join(', ')),
  );
}

function requiredText(attributes: Attributes, name: string, what: string): string {
  const value = optionalText(attributes, name);
  if (value === undefined) throw invalid(attributes, name, 'missing', give(name, what));
  return value;
}

function optionalText(attributes: Attributes, name: string): string | undefined {
  const value = attributes.get(name);
  if (value === undefined || (typeof value === 'string' && value !== '')) return value;
  throw invalid(
    attributes,
    name,
    `${JSON.stringify(value)} is not a non-empty string`,
    give(name, 'a non-empty string'),
  );
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The event's time as sent, or now: the attribute is optional in CloudEvents. */
function eventTime(attributes: Attributes, clock: () => number): string {
  const time = optionalText(attributes, 'time');
  if (time === undefined) return new Date(clock()).toISOString();
  if (!RFC3339.test(time) || Number.isNaN(Date.parse(time))) {
    throw invalid(
      attributes,
      'time',
      `${JSON.stringify(time)} is not an RFC 3339 time`,
      give('time', "e.g. '2030-01-31T12:00:00Z'"),
    );
  }
  return time;
}

function dataVersion(attributes: Attributes): number | undefined {
  const value = attributes.get('dataversion');
  if (value === undefined) return undefined;
  const version = attributes.text && typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof version === 'number' && Number.isSafeInteger(version) && version >= 1) return version;
  throw invalid(
    attributes,
    'dataversion',
    `${JSON.stringify(value)} is not a contract version`,
    give('dataversion', 'a whole number >= 1'),
  );
}

const give = (name: string, what: string) =>
  `give ${what} in the ce-${name} header (binary mode) or "${name}" (structured mode)`;

function invalid(attributes: Attributes, name: string, problem: string, fix: string): RequestError {
  return new RequestError('EVENT_INVALID', `${attributes.label(name)}: ${problem}; ${fix}`);
}

/** 'application/json' of 'Application/JSON; charset=utf-8'; '' when there is none. */
function mediaTypeOf(contentType: string | null): string {
  return (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');
