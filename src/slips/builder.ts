/**
 * Building and starting routing slips. The builder checks everything it can before anything is
 * published: activity names (against a catalog when given one), arguments and variables that JSON
 * cannot carry (SerializationError names the path). Starting publishes the slip's first execute
 * event, whose id derives from the tracking id: starting the same tracking id again starts nothing.
 */

import { Compile } from 'typebox/compile';
import { isoTime } from '../bus/cloud-event.js';
import { newEventId } from '../bus/event-id.js';
import { ConfigError } from '../core/errors.js';
import { encode } from '../core/serialize.js';
import { checkItinerary } from './activity-call.js';
import { type Catalog, catalogNames } from './catalog.js';
import { type BusLike, busOf, followEvent, slipMessage } from './envelope.js';
import {
  type ActivitySpec,
  executeType,
  type JsonValues,
  jsonObject,
  type RoutingSlip,
  RoutingSlipSchema,
} from './slip.js';
import { SlipCompleted } from './slip-events.js';

export interface RoutingSlipBuilderOptions {
  /** The slip's tracking id: its correlation id everywhere. @default a new time-ordered id */
  trackingId?: string;
  /** The names of every activity hosted anywhere: addActivity refuses others (UnknownActivityError). */
  catalog?: Catalog;
  /** @default Date.now */
  clock?: () => number;
}

/**
 * Builds a routing slip: its itinerary (activities with their arguments) and its variables.
 *
 * @example
 * const slip = new RoutingSlipBuilder({ trackingId: `video-${id}` })
 *   .addActivity('media.encode', { fileLocation: 's3://in/talk.mov' })
 *   .addActivity('media.deploy', { cdn: 'eu' })
 *   .addVariable('requestedBy', 'ann');
 * const trackingId = await startSlip(bus, slip);
 */
export class RoutingSlipBuilder {
  readonly trackingId: string;
  private readonly catalog: ReadonlySet<string> | undefined;
  private readonly clock: () => number;
  private readonly itinerary: ActivitySpec[] = [];
  private readonly variables: JsonValues = {};

  constructor(options: RoutingSlipBuilderOptions = {}) {
    const trackingId = options.trackingId ?? newEventId();
    if (typeof trackingId !== 'string' || trackingId === '') {
      throw new ConfigError('RoutingSlipBuilder: `trackingId` must be a non-empty string');
    }
    this.trackingId = trackingId;
    this.catalog = catalogNames(options.catalog);
    this.clock = options.clock ?? Date.now;
  }

  /** Adds an activity at the end of the itinerary. */
  addActivity(name: string, args: JsonValues = {}): this {
    const [spec] = checkItinerary([{ name, arguments: args }], `addActivity('${name}')`, this.catalog);
    this.itinerary.push(spec as ActivitySpec);
    return this;
  }

  /** Sets a variable: every activity sees it, and it fills an argument of the same name. */
  addVariable(name: string, value: unknown): this {
    if (typeof name !== 'string' || name === '')
      throw new ConfigError('addVariable: the name must be a non-empty string');
    this.variables[name] = encode(value, `addVariable('${name}')`).value;
    return this;
  }

  /** Sets several variables at once. */
  setVariables(values: JsonValues): this {
    Object.assign(this.variables, jsonObject(values, 'setVariables'));
    return this;
  }

  /** The slip as it will travel. */
  build(): RoutingSlip {
    return {
      trackingId: this.trackingId,
      createdAt: isoTime(this.clock()),
      hops: 0,
      itinerary: structuredClone(this.itinerary),
      variables: structuredClone(this.variables),
      activityLog: [],
      compensateLog: [],
      errors: [],
    };
  }
}

export interface StartSlipOptions {
  /** The CloudEvents `source` of the first event. @default '/tutti/slips' */
  source?: string;
  /** W3C trace context the slip's events carry. */
  traceparent?: string;
}

const checkSlip = Compile(RoutingSlipSchema);

/**
 * Publishes a slip's first execute event (durable when resolved) and returns its tracking id. A
 * slip with an empty itinerary completes at once, as in Courier.
 *
 * @example const trackingId = await startSlip(tutti, builder);
 */
export async function startSlip(
  target: BusLike,
  slip: RoutingSlipBuilder | RoutingSlip,
  options: StartSlipOptions = {},
): Promise<string> {
  const built = slip instanceof RoutingSlipBuilder ? slip.build() : slip;
  if (!checkSlip.Check(built)) {
    throw new ConfigError('startSlip: give a RoutingSlipBuilder, or a slip it built (`builder.build()`)');
  }
  const stamp = {
    source: options.source ?? '/tutti/slips',
    now: Date.parse(built.createdAt),
    traceparent: options.traceparent,
  };
  const first = built.itinerary[0];
  const event = first
    ? slipMessage(executeType(first.name), built, 'execute', stamp)
    : followEvent(
        SlipCompleted,
        {
          trackingId: built.trackingId,
          timestamp: built.createdAt,
          variables: built.variables,
          createdAt: built.createdAt,
          durationMs: 0,
          activityLog: [],
        },
        built.trackingId,
        0,
        stamp,
      );
  await busOf(target).publish([event]);
  return built.trackingId;
}
