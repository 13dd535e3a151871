/**
 * The events part of the native API (docs/api.md): CloudEvents ingress onto the bus, the event
 * log read in order, the durable subscriptions, dead letters and their redrive, and the events of
 * one conversation (a trace by correlation id). Thin like the rest: check the request, call the
 * bus or the store, answer JSON. Errors leave through the app's handler (http-errors.ts).
 */
import type { Hono } from 'hono';
import { deadLetterJson, eventJson, isoOrNull, withoutStacks } from '../bus/event-json.js';
import type { EventContract } from '../contracts/event-contract.js';
import { EventRegistry } from '../contracts/event-registry.js';
import type { Logger } from '../core/logger.js';
import type { Tutti } from '../engine/tutti.js';
import type { DeadLetterQuery, EventRecord, SubscriptionRecord } from '../store/event-log.js';
import type { Store } from '../store/store.js';
import { type IngressOptions, readCloudEvents } from './cloudevents-http.js';
import { RequestError } from './http-errors.js';
import { runtimeOf } from './namespaces.js';
import { readBody, textParam, wholeNumberParam } from './request.js';
import { Redrive } from './schemas.js';

export interface EventRoutesOptions {
  logger: Logger;
  /**
   * Contracts that ingress validates event data against: the version in `dataversion`, else the
   * latest. Events of other types are accepted unchecked (subscribers validate what they receive)
   * unless `strictEvents`. The same for every namespace. Given here because the Tutti interface
   * does not expose the contracts it was created with; an array is registered here (two schemas
   * under one version are a DuplicateNameError).
   * @default none
   */
  contracts?: EventRegistry | readonly EventContract<any>[];
  /** Refuse an event whose type has no contract (400 naming the type and the known ones). @default false */
  strictEvents?: boolean;
  /** Largest event data accepted by ingress, in bytes of JSON. @default 262144 (createTutti's default) */
  maxEventBytes?: number;
}

/** Events read from the log per query when a trace scans it. */
const TRACE_PAGE = 1000;
/** How far `GET /v1/subscriptions` counts a subscription's lag and dead letters (it reads them). */
const COUNT_CAP = 100;

/**
 * Adds the event routes to the native API's app.
 * @example registerEventRoutes(app, { logger });
 */
export function registerEventRoutes(app: Hono, options: EventRoutesOptions): void {
  const { logger } = options;
  const ingress: IngressOptions = {
    ...ingressContracts(options),
    maxEventBytes: options.maxEventBytes ?? 262_144,
    clock: Date.now,
  };

  app.post('/v1/events', async (c) => {
    const { tutti } = runtimeOf(c);
    // Every event of a batch is checked before any is published: a refused batch publishes nothing.
    const events = readCloudEvents(c.req.raw.headers, await c.req.text(), ingress);
    const results = events.length === 0 ? [] : await tutti.bus.publish(events);
    const published = events.map((event, i) => {
      const { seq, created } = results[i]!;
      return created ? { id: event.id, seq } : { id: event.id, seq, duplicate: true };
    });
    logger.debug('events received', { count: events.length, types: [...new Set(events.map((e) => e.type))] });
    return c.json({ published }, 202);
  });

  app.get('/v1/events', async (c) => {
    const { tutti } = runtimeOf(c);
    const type = textParam(c.req.query('type'), 'type');
    const records = await tutti.store.readEvents({
      after: wholeNumberParam(c.req.query('after'), 'after', { fallback: 0, min: 0, max: Number.MAX_SAFE_INTEGER }),
      types: type
        ?.split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
      limit: wholeNumberParam(c.req.query('limit'), 'limit', { fallback: 100, min: 1, max: 1000 }),
    });
    return c.json(records.map(eventJson));
  });

  // The store's subscriptions are the embedded bus's; a broker's bus will keep its own.
  app.get('/v1/subscriptions', async (c) => {
    const { tutti } = runtimeOf(c);
    const subscriptions = await tutti.store.listSubscriptions();
    return c.json(await Promise.all(subscriptions.map((s) => subscriptionJson(tutti, s))));
  });

  app.get('/v1/dead-letters', async (c) => {
    const { tutti } = runtimeOf(c);
    const query: DeadLetterQuery = {
      limit: wholeNumberParam(c.req.query('limit'), 'limit', { fallback: 50, min: 1, max: 1000 }),
    };
    const subscription = textParam(c.req.query('subscription'), 'subscription');
    const type = textParam(c.req.query('type'), 'type');
    if (subscription !== undefined) query.subscription = subscription;
    if (type !== undefined) query.type = type;
    const dead = (await tutti.bus.deadLetters(query)).map(deadLetterJson);
    // No stack traces in answers: a handler's stack says where its service's code lives.
    return c.json(dead.map((d) => ({ ...d, error: withoutStacks(d.error) })));
  });

  app.post('/v1/dead-letters/redrive', async (c) => {
    const { tutti } = runtimeOf(c);
    const { subscription, type, seq } = await readBody(c, Redrive);
    const query: DeadLetterQuery = { subscription, type, seqs: seq === undefined ? undefined : [seq].flat() };
    const redriven = await tutti.bus.redrive(query);
    logger.info('dead letters redriven', { ...query, redriven });
    return c.json({ redriven });
  });

  app.get('/v1/traces/:correlationId', async (c) => {
    const { tutti } = runtimeOf(c);
    const correlationId = c.req.param('correlationId');
    const events = await conversation(tutti.store, correlationId);
    if (events.length === 0) {
      throw new RequestError(
        'NOT_FOUND',
        `no event has correlationid '${correlationId}'; a run's events carry its run id, an event's followers its id`,
      );
    }
    return c.json(events.map(eventJson));
  });
}

/** The registry ingress validates against, and whether its types are the only ones accepted. */
function ingressContracts(options: EventRoutesOptions): Pick<IngressOptions, 'contracts' | 'strict'> {
  const given = options.contracts ?? [];
  let contracts: EventRegistry;
  if (given instanceof EventRegistry) {
    contracts = given;
  } else {
    contracts = new EventRegistry();
    for (const contract of given) contracts.register(contract);
  }
  return { contracts, strict: options.strictEvents ?? false };
}

/**
 * A subscription with its lag (events of its types after its position that it has not
 * acknowledged) and its dead letters. Both are counted by reading them, so only up to
 * COUNT_CAP: `lagCapped` / `deadLettersCapped` say there are more. `lastSeq - position` would
 * cost nothing but count events of other types too, and a subscription to a rare type would seem
 * ever further behind.
 */
async function subscriptionJson(tutti: Tutti, subscription: SubscriptionRecord): Promise<Record<string, unknown>> {
  const { name, types, position, ackedAbove } = subscription;
  const [after, dead] = await Promise.all([
    tutti.store.readEvents({ after: position, types, limit: ackedAbove.length + COUNT_CAP + 1 }),
    tutti.bus.deadLetters({ subscription: name, limit: COUNT_CAP + 1 }),
  ]);
  const acked = new Set(ackedAbove);
  const lag = after.filter((event) => !acked.has(event.seq)).length;
  return {
    name,
    types,
    position,
    lag: Math.min(lag, COUNT_CAP),
    ...(lag > COUNT_CAP ? { lagCapped: true } : {}),
    deadLetters: Math.min(dead.length, COUNT_CAP),
    ...(dead.length > COUNT_CAP ? { deadLettersCapped: true } : {}),
    createdAt: isoOrNull(subscription.createdAt),
  };
}

/**
 * The events of one conversation, in log order. The log has no index on correlation ids, so this
 * reads all of it in pages: O(log length) per request, fine for a tool, not for a hot path. Only
 * the records whose extensions text holds the id are decoded.
 */
async function conversation(store: Store, correlationId: string): Promise<EventRecord[]> {
  const needle = JSON.stringify(correlationId);
  const found: EventRecord[] = [];
  for (let after = 0; ; ) {
    const page = await store.readEvents({ after, limit: TRACE_PAGE });
    for (const record of page) {
      if (!record.extensions?.includes(needle)) continue;
      if ((JSON.parse(record.extensions) as { correlationid?: unknown }).correlationid === correlationId) {
        found.push(record);
      }
    }
    const last = page.at(-1);
    if (last === undefined || page.length < TRACE_PAGE) return found;
    after = last.seq;
  }
}
