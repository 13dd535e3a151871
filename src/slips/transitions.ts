/**
 * What a host publishes after one hop of a slip, as pure functions of the slip it received and
 * what the activity did: the slip forwarded (to the next activity, or back to the newest
 * compensation) and the follow events. No I/O here: the host publishes the result with the
 * acknowledgement of the event it handled (the handler's outbox), so a hop's events land all
 * together or not at all.
 */
import { type CloudEvent, isoTime } from '../bus/cloud-event.js';
import type { ExecuteResult } from './activity.js';
import { type EventStamp, followEvent, slipMessage } from './envelope.js';
import {
  type ActivitySpec,
  type CompensateLogEntry,
  compensateType,
  errorInfo,
  executeType,
  type RoutingSlip,
} from './slip.js';
import {
  SlipActivityCompensated,
  SlipActivityCompleted,
  SlipActivityFaulted,
  SlipCompensationFailed,
  SlipCompleted,
  SlipFaulted,
  SlipRevised,
  SlipTerminated,
} from './slip-events.js';

/** One hop: the slip as received, the event that carried it, who handled it and when. */
export interface Hop {
  slip: RoutingSlip;
  event: CloudEvent;
  host: string;
  source: string;
  startedAt: number;
  endedAt: number;
}

/** The current activity of an execute hop (the itinerary's first). */
function current(hop: Hop): ActivitySpec {
  return hop.slip.itinerary[0] as ActivitySpec;
}

function stamp(hop: Hop): EventStamp {
  return { source: hop.source, now: hop.endedAt, cause: hop.event };
}

function sinceCreated(slip: RoutingSlip, now: number): number {
  return Math.max(0, now - Date.parse(slip.createdAt));
}

/** The execution completed (possibly revising the itinerary, or terminating the slip). */
export function executed(hop: Hop, result: ExecuteResult, compensable: boolean): CloudEvent[] {
  const { slip, event, host } = hop;
  const spec = current(hop);
  const at = slip.hops + 1;
  const durationMs = hop.endedAt - hop.startedAt;
  const variables = { ...slip.variables, ...result.variables };
  const entry = { executionId: event.id, name: spec.name, host, timestamp: isoTime(hop.startedAt), durationMs };
  const activityLog = [...slip.activityLog, result.variables ? { ...entry, outputs: result.variables } : entry];
  const rest = slip.itinerary.slice(1);
  const itinerary = result.kind === 'revised' ? [...result.itinerary] : result.kind === 'terminated' ? [] : rest;
  const data = result.kind !== 'terminated' && compensable ? (result.compensation ?? {}) : undefined;
  const compensateLog: CompensateLogEntry[] =
    data === undefined ? slip.compensateLog : [...slip.compensateLog, { executionId: event.id, name: spec.name, data }];
  const next: RoutingSlip = { ...slip, hops: at, itinerary, variables, activityLog, compensateLog };
  const s = stamp(hop);
  const about = { trackingId: slip.trackingId, timestamp: isoTime(hop.endedAt), variables };
  const ofActivity = { ...about, executionId: event.id, activity: spec.name, host, durationMs };

  const completed = { ...ofActivity, arguments: spec.arguments, ...(data && { data }) };
  if (itinerary[0]) Object.assign(completed, { next: itinerary[0].name });
  const events = [followEvent(SlipActivityCompleted, completed, slip.trackingId, at, s)];
  if (result.kind === 'revised') {
    const discardedItinerary = rest.filter((old) => !itinerary.some((kept) => sameActivity(old, kept)));
    events.push(followEvent(SlipRevised, { ...ofActivity, itinerary, discardedItinerary }, slip.trackingId, at, s));
  }
  const overall = { ...about, createdAt: slip.createdAt, durationMs: sinceCreated(slip, hop.endedAt), activityLog };
  if (result.kind === 'terminated') {
    const terminated = { ...overall, activity: spec.name, discardedItinerary: rest };
    if (result.reason !== undefined) Object.assign(terminated, { reason: result.reason });
    events.push(followEvent(SlipTerminated, terminated, slip.trackingId, at, s));
  } else if (itinerary[0]) {
    events.push(slipMessage(executeType(itinerary[0].name), next, 'execute', s));
  } else {
    events.push(followEvent(SlipCompleted, overall, slip.trackingId, at, s));
  }
  return events;
}

/** The execution faulted: the slip goes back to its newest compensation, or is faulted at once. */
export function faulted(hop: Hop, thrown: unknown): CloudEvent[] {
  const { slip, event, host } = hop;
  const spec = current(hop);
  const at = slip.hops + 1;
  const error = errorInfo(thrown);
  const errors = [
    ...slip.errors,
    {
      executionId: event.id,
      name: spec.name,
      host,
      timestamp: isoTime(hop.endedAt),
      elapsedMs: sinceCreated(slip, hop.endedAt),
      error,
    },
  ];
  const s = stamp(hop);
  const about = { trackingId: slip.trackingId, timestamp: isoTime(hop.endedAt), variables: slip.variables };
  const activityFaulted = {
    ...about,
    executionId: event.id,
    activity: spec.name,
    host,
    durationMs: hop.endedAt - hop.startedAt,
    arguments: spec.arguments,
    error,
  };
  return [
    followEvent(SlipActivityFaulted, activityFaulted, slip.trackingId, at, s),
    backwards({ ...slip, hops: at, errors }, s, hop.endedAt),
  ];
}

/** The newest compensation ran: the slip goes on to the one before it, or is faulted. */
export function compensated(hop: Hop): CloudEvent[] {
  const { slip } = hop;
  const at = slip.hops + 1;
  const s = stamp(hop);
  const rest = { ...slip, hops: at, compensateLog: slip.compensateLog.slice(0, -1) };
  return [
    followEvent(SlipActivityCompensated, compensation(hop), slip.trackingId, at, s),
    backwards(rest, s, hop.endedAt),
  ];
}

/**
 * The newest compensation failed for good. Its id carries the time: each failure (a redriven
 * compensation that fails again included) is announced, at least once.
 */
export function compensationFailed(hop: Hop, thrown: unknown): CloudEvent {
  const { slip } = hop;
  const data = {
    ...compensation(hop),
    error: errorInfo(thrown),
    compensateLog: slip.compensateLog,
    activityLog: slip.activityLog,
    errors: slip.errors,
  };
  const kind = `compensation-failed.${hop.endedAt}`;
  return followEvent(SlipCompensationFailed, data, slip.trackingId, slip.hops + 1, stamp(hop), kind);
}

/** What the events about a compensation (of the newest entry of the log) say of it. */
function compensation(hop: Hop) {
  const { slip } = hop;
  const entry = slip.compensateLog.at(-1) as CompensateLogEntry;
  return {
    trackingId: slip.trackingId,
    timestamp: isoTime(hop.endedAt),
    variables: slip.variables,
    executionId: entry.executionId,
    activity: entry.name,
    host: hop.host,
    durationMs: hop.endedAt - hop.startedAt,
    data: entry.data,
  };
}

/** The slip sent to its newest compensation, or its faulted event when nothing is left to undo. */
function backwards(slip: RoutingSlip, s: EventStamp, now: number): CloudEvent {
  const newest = slip.compensateLog.at(-1);
  if (newest) return slipMessage(compensateType(newest.name), slip, 'compensate', s);
  const data = {
    trackingId: slip.trackingId,
    timestamp: isoTime(now),
    variables: slip.variables,
    createdAt: slip.createdAt,
    durationMs: sinceCreated(slip, now),
    activityLog: slip.activityLog,
    errors: slip.errors,
  };
  return followEvent(SlipFaulted, data, slip.trackingId, slip.hops, s);
}

function sameActivity(a: ActivitySpec, b: ActivitySpec): boolean {
  return a.name === b.name && JSON.stringify(a.arguments) === JSON.stringify(b.arguments);
}
