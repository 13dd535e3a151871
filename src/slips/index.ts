/**
 * Routing slips (MassTransit Courier's model on Tutti's bus): a message that carries its own
 * itinerary from service to service, with compensation of what completed when an activity
 * faults. See docs/routing-slips.md.
 */
export {
  type ActivityDefinition,
  type ActivityHandlers,
  type ActivityOptions,
  activity,
  type CompensateContext,
  type CompleteOptions,
  defineActivity,
  type ExecuteContext,
  type ExecuteResult,
} from './activity.js';
export { RoutingSlipBuilder, type RoutingSlipBuilderOptions, type StartSlipOptions, startSlip } from './builder.js';
export type { Catalog } from './catalog.js';
export type { BusLike } from './envelope.js';
export { type ActivityHost, type HostOptions, hostActivities } from './host.js';
export type {
  ActivityError,
  ActivityLogEntry,
  ActivitySpec,
  CompensateLogEntry,
  ErrorInfo,
  RoutingSlip,
} from './slip.js';
export { compensateType, executeType } from './slip.js';
export {
  SlipActivityCompensated,
  type SlipActivityCompensatedData,
  SlipActivityCompleted,
  type SlipActivityCompletedData,
  SlipActivityFaulted,
  type SlipActivityFaultedData,
  SlipCompensationFailed,
  type SlipCompensationFailedData,
  SlipCompleted,
  type SlipCompletedData,
  type SlipEventKind,
  SlipFaulted,
  type SlipFaultedData,
  SlipRevised,
  type SlipRevisedData,
  SlipTerminated,
  type SlipTerminatedData,
} from './slip-events.js';
export {
  type SlipEventSeen,
  type SlipOutcome,
  type SlipWatcher,
  type SlipWatcherOptions,
  watchSlips,
} from './watcher.js';
