/**
 * The events a routing slip publishes for anyone to follow (MassTransit Courier's
 * RoutingSlipCompleted, RoutingSlipFaulted, RoutingSlipActivityCompleted… under
 * `tutti.slip.*`). They are ordinary contracts: subscribe to them with `defineSubscriber`, wait
 * for one in a workflow with `ctx.waitForEvent(SlipCompleted, { key: trackingId })`, or watch
 * them with `watchSlips`. Every one has the tracking id as its subject (the slip's events reach a
 * subscriber in order) and as its correlation id.
 */
import Type, { type Static } from 'typebox';
import { defineEvent } from '../contracts/event-contract.js';
import {
  ActivityErrorSchema,
  ActivityLogEntrySchema,
  ActivitySpecSchema,
  CompensateLogEntrySchema,
  ErrorInfoSchema,
  SLIP_PREFIX,
} from './slip.js';

const JsonObject = Type.Record(Type.String(), Type.Unknown());
const Text = Type.String();
const Millis = Type.Number({ minimum: 0 });

/** Fields every slip event has: which slip, when, and its variables at that moment. */
const slip = { trackingId: Text, timestamp: Text, variables: JsonObject };
/** Fields of the events about one activity's execution (or compensation). */
const activity = { ...slip, executionId: Text, activity: Text, host: Text, durationMs: Millis };

const CompletedSchema = Type.Object({
  ...slip,
  createdAt: Text,
  /** From the slip's creation to its completion. */
  durationMs: Millis,
  activityLog: Type.Array(ActivityLogEntrySchema),
});
const FaultedSchema = Type.Object({
  ...slip,
  createdAt: Text,
  durationMs: Millis,
  activityLog: Type.Array(ActivityLogEntrySchema),
  errors: Type.Array(ActivityErrorSchema),
});
const TerminatedSchema = Type.Object({
  ...slip,
  createdAt: Text,
  durationMs: Millis,
  activityLog: Type.Array(ActivityLogEntrySchema),
  /** The activity that terminated the slip, and why when it said. */
  activity: Text,
  reason: Type.Optional(Text),
  discardedItinerary: Type.Array(ActivitySpecSchema),
});
const ActivityCompletedSchema = Type.Object({
  ...activity,
  arguments: JsonObject,
  /** What its compensation will get, when it has one. */
  data: Type.Optional(JsonObject),
  /** The activity the slip went to next; absent when it was the last. */
  next: Type.Optional(Text),
});
const ActivityFaultedSchema = Type.Object({ ...activity, arguments: JsonObject, error: ErrorInfoSchema });
const ActivityCompensatedSchema = Type.Object({ ...activity, data: JsonObject });
const CompensationFailedSchema = Type.Object({
  ...activity,
  data: JsonObject,
  error: ErrorInfoSchema,
  /** What is left to undo, the failed compensation included (newest last). */
  compensateLog: Type.Array(CompensateLogEntrySchema),
  activityLog: Type.Array(ActivityLogEntrySchema),
  errors: Type.Array(ActivityErrorSchema),
});
const RevisedSchema = Type.Object({
  ...activity,
  itinerary: Type.Array(ActivitySpecSchema),
  discardedItinerary: Type.Array(ActivitySpecSchema),
});

/** Every activity ran: the slip is done. */
export const SlipCompleted = defineEvent(`${SLIP_PREFIX}completed`, CompletedSchema);
/** An activity faulted and every completed activity has been compensated, newest first. */
export const SlipFaulted = defineEvent(`${SLIP_PREFIX}faulted`, FaultedSchema);
/** An activity ended the slip early (`ctx.terminate()`): no compensation, the rest discarded. */
export const SlipTerminated = defineEvent(`${SLIP_PREFIX}terminated`, TerminatedSchema);
export const SlipActivityCompleted = defineEvent(`${SLIP_PREFIX}activity-completed`, ActivityCompletedSchema);
export const SlipActivityFaulted = defineEvent(`${SLIP_PREFIX}activity-faulted`, ActivityFaultedSchema);
export const SlipActivityCompensated = defineEvent(`${SLIP_PREFIX}activity-compensated`, ActivityCompensatedSchema);
/** A compensation failed on its last attempt: its event is a dead letter; redrive it to carry on. */
export const SlipCompensationFailed = defineEvent(`${SLIP_PREFIX}compensation-failed`, CompensationFailedSchema);
/** An activity changed the itinerary ahead of it. */
export const SlipRevised = defineEvent(`${SLIP_PREFIX}revised`, RevisedSchema);

export type SlipCompletedData = Static<typeof CompletedSchema>;
export type SlipFaultedData = Static<typeof FaultedSchema>;
export type SlipTerminatedData = Static<typeof TerminatedSchema>;
export type SlipActivityCompletedData = Static<typeof ActivityCompletedSchema>;
export type SlipActivityFaultedData = Static<typeof ActivityFaultedSchema>;
export type SlipActivityCompensatedData = Static<typeof ActivityCompensatedSchema>;
export type SlipCompensationFailedData = Static<typeof CompensationFailedSchema>;
export type SlipRevisedData = Static<typeof RevisedSchema>;

/** The events that end a slip (a compensation failure halts it until its dead letter is redriven). */
export const OUTCOME_EVENTS = [SlipCompleted, SlipFaulted, SlipTerminated, SlipCompensationFailed] as const;
/** The events that tell how a slip progresses. */
export const PROGRESS_EVENTS = [
  SlipActivityCompleted,
  SlipActivityFaulted,
  SlipActivityCompensated,
  SlipRevised,
] as const;

/** The kind of a slip event, from its type: `completed`, `activity-faulted`… */
export type SlipEventKind =
  | 'completed'
  | 'faulted'
  | 'terminated'
  | 'compensation-failed'
  | 'activity-completed'
  | 'activity-faulted'
  | 'activity-compensated'
  | 'revised';
