/**
 * Tutti: durable orchestration for microservices. The root export holds the engine, event contracts, the bus,
 * the types and the errors; store adapters live under subpaths (`tutti/store/sqlite`, `tutti/store/memory`).
 */
export type { Bus, BusSubscription, Delivery, DeliveryHandler, ReplayFrom, SubscribeOptions } from './bus/bus.js';
export type { CloudEvent } from './bus/cloud-event.js';
export { createEmbeddedBus, type EmbeddedBusOptions } from './bus/embedded/embedded-bus.js';
export { newEventId } from './bus/event-id.js';
export {
  checkCompatible,
  defineEvent,
  type EventContract,
  type EventContractOptions,
  EventRegistry,
  type EventSubscriber,
  type Incompatibility,
  type JsonSchema,
} from './contracts/index.js';
export { type Duration, toMs } from './core/duration.js';
export {
  ActivityTimeoutError,
  CompensationFailedError,
  ConfigError,
  DeliveryTimeoutError,
  DuplicateNameError,
  EventTooLargeError,
  EventValidationError,
  EventWaitTimeoutError,
  IncompatibleSchemaError,
  JournalConflictError,
  NonDeterminismError,
  NonRetryableError,
  RemoteTaskError,
  RunCancelledError,
  RunConflictError,
  RunFailedError,
  RunInterruptedError,
  RunStateError,
  SchemaTooNewError,
  SerializationError,
  SlipInvalidError,
  SlipTimeoutError,
  StepFailedError,
  StepTimeoutError,
  StoreClosedError,
  StoreUnavailableError,
  TaskNotHeldError,
  TuttiError,
  type TuttiErrorCode,
  UnknownActivityError,
  UnknownEventTypeError,
  UnknownRunError,
  UnknownSubscriptionError,
  UnknownWorkflowError,
} from './core/errors.js';
export { type Logger, type LogMeta, silentLogger } from './core/logger.js';
export type { RetryOptions } from './core/retry-policy.js';
export type { RecordedError } from './core/serialize.js';
export type {
  ChildOptions,
  Compensation,
  ServiceOptions,
  StepCallOptions,
  StepContext,
  StepFunction,
  StepRef,
  WaitForEventOptions,
  WorkflowContext,
  WorkflowDefinition,
  WorkflowFunction,
  WorkflowOptions,
} from './core/types.js';
export type { Cause, PublishOptions } from './engine/event-envelope.js';
export type { Published } from './engine/event-runtime.js';
export type { RunEvent, StepEvent, TuttiEventMap, TuttiEventName, TuttiEvents } from './engine/events.js';
export type { Durability, RunErrorRecord } from './engine/live-run.js';
export {
  type DynamicRemoteService,
  type RemoteServiceOptions,
  remoteService,
  remoteTaskTypes,
} from './engine/remote-service.js';
export { defineService, type Service } from './engine/service.js';
export type { SignalOptions } from './engine/signals.js';
export {
  defineSubscriber,
  on,
  type SubscriberContext,
  type SubscriberDefinition,
  type SubscriberHandler,
  type SubscriberOptions,
} from './engine/subscriber.js';
export type { ClaimedTask, PollRequest, RemoteFailure, TaskOutcome, TaskQueue } from './engine/task-queue.js';
export {
  createTutti,
  type RunHandle,
  type RunInfo,
  type StartOptions,
  type Tutti,
  type TuttiOptions,
} from './engine/tutti.js';
export { defineWorkflow } from './engine/workflow.js';
export * from './slips/index.js';
export type {
  DeadLetterQuery,
  EventRecord,
  ParkedEvent,
  ParkedState,
  PublishResult,
  SubscriptionRecord,
} from './store/event-log.js';
export { openStore } from './store/open-store.js';
export type { RunQuery, RunStatus, Store } from './store/store.js';
