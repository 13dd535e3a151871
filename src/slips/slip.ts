/**
 * The routing slip: the message that carries a business transaction from service to service
 * (MassTransit Courier's model). Everything the next activity, a compensation or a follower needs
 * travels in it, so no service keeps the state and none is in charge:
 *
 * - `itinerary`: the activities still to run, the first being the one the slip is addressed to;
 * - `variables`: shared data the activities add to as they complete;
 * - `activityLog`: what ran, where, when and for how long, with what it output;
 * - `compensateLog`: per completed activity that can be undone, the data its compensation needs
 *   (newest last: compensation walks it backwards);
 * - `errors`: the activity faults, newest last.
 *
 * A slip travels as the data of a CloudEvent of type `tutti.slip.execute.<activity>` (or
 * `tutti.slip.compensate.<activity>`), so an activity's name is its address.
 */
import Type, { type Static } from 'typebox';
import { defineEvent, type EventContract } from '../contracts/event-contract.js';
import { ConfigError, describe } from '../core/errors.js';
import { encode } from '../core/serialize.js';

/** What an activity name may be: it becomes part of event types and a subscription's name. */
const ACTIVITY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const JsonObject = Type.Record(Type.String(), Type.Unknown());
const Name = Type.String({ minLength: 1 });
/** RFC 3339 timestamps: readable in `tutti events tail`, sortable as text. */
const Timestamp = Type.String({ minLength: 1 });
const Millis = Type.Number({ minimum: 0 });

export const ActivitySpecSchema = Type.Object({ name: Name, arguments: JsonObject });
export const ActivityLogEntrySchema = Type.Object({
  /** The id of the execute event that ran it: ties the entry to the log (`tutti events tail`). */
  executionId: Name,
  name: Name,
  /** Who ran it: the host's name (by default `hostname:pid`). */
  host: Type.String(),
  /** When it started. */
  timestamp: Timestamp,
  durationMs: Millis,
  /** The variables it set. */
  outputs: Type.Optional(JsonObject),
});
export const CompensateLogEntrySchema = Type.Object({ executionId: Name, name: Name, data: JsonObject });
export const ErrorInfoSchema = Type.Object({
  name: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
});
export const ActivityErrorSchema = Type.Object({
  executionId: Name,
  name: Name,
  host: Type.String(),
  timestamp: Timestamp,
  /** Time from the slip's creation to the fault. */
  elapsedMs: Millis,
  error: ErrorInfoSchema,
});

export const RoutingSlipSchema = Type.Object({
  trackingId: Name,
  createdAt: Timestamp,
  /**
   * How many times the slip has been forwarded. The events of each hop are named after it
   * (`<trackingId>/<hop>/<kind>`), so a host that handles the same slip event again (a
   * redelivery after a crash) publishes the same ids, which the log publishes once.
   */
  hops: Type.Integer({ minimum: 0 }),
  itinerary: Type.Array(ActivitySpecSchema),
  variables: JsonObject,
  activityLog: Type.Array(ActivityLogEntrySchema),
  compensateLog: Type.Array(CompensateLogEntrySchema),
  errors: Type.Array(ActivityErrorSchema),
});

export type JsonValues = Record<string, unknown>;
/** One activity of an itinerary: its name (and address) and its arguments. */
export type ActivitySpec = Static<typeof ActivitySpecSchema>;
export type ActivityLogEntry = Static<typeof ActivityLogEntrySchema>;
export type CompensateLogEntry = Static<typeof CompensateLogEntrySchema>;
export type ErrorInfo = Static<typeof ErrorInfoSchema>;
export type ActivityError = Static<typeof ActivityErrorSchema>;
export type RoutingSlip = Static<typeof RoutingSlipSchema>;

export const SLIP_PREFIX = 'tutti.slip.';

/** The event type that carries a slip to the host of `activity`. */
export function executeType(activity: string): string {
  return `${SLIP_PREFIX}execute.${activity}`;
}

/** The event type that carries a slip to the host of `activity` to undo what it did. */
export function compensateType(activity: string): string {
  return `${SLIP_PREFIX}compensate.${activity}`;
}

/** The contract of the slip events addressed to one activity (execute or compensate). */
export function slipContract(type: string): EventContract<RoutingSlip> {
  return defineEvent(type, RoutingSlipSchema);
}

/** Throws ConfigError unless `name` can be an activity's name (and so part of event types). */
export function checkActivityName(name: unknown, where: string): asserts name is string {
  if (typeof name !== 'string' || !ACTIVITY_NAME.test(name)) {
    throw new ConfigError(
      `${where}: an activity name must be letters, digits, '.', '-' or '_', starting with a letter or digit ` +
        `(it is part of the event types the slip travels as), e.g. 'media.encode'; got ${JSON.stringify(name)}`,
    );
  }
}

/** The error of a fault as the slip keeps it: small, JSON, with the stable code when there is one. */
export function errorInfo(thrown: unknown): ErrorInfo {
  if (thrown instanceof Error) {
    const code = (thrown as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: thrown.name, message: thrown.message, code }
      : { name: thrown.name, message: thrown.message };
  }
  return { name: 'Error', message: describe(thrown) };
}

/**
 * `value` as a JSON object (arguments, variables, compensation data), or a ConfigError (not an
 * object) or SerializationError (naming the path JSON cannot carry). A value JSON reshapes (a Date)
 * comes back as JSON would carry it, so what runs is what a redelivery would see.
 */
export function jsonObject(value: unknown, what: string): JsonValues {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
    throw new ConfigError(`${what} must be an object of JSON values, e.g. { fileLocation: 's3://…' }; got ${got}`);
  }
  return encode(value, what).value as JsonValues;
}
