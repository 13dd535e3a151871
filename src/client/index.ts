/**
 * `tutti/client`: what a process other than the server needs. A worker runs the steps of services
 * the server declares with `remoteService` (createWorker); the API client starts, reads and
 * signals runs, publishes events and registers definitions (createClient). A worker process
 * imports only this subpath: `defineService` and `NonRetryableError` are here too.
 */
export { NonRetryableError } from '../core/errors.js';
export type { Logger, LogMeta } from '../core/logger.js';
export type { StepContext } from '../core/types.js';
export { defineService } from '../engine/service.js';
export {
  type ClientOptions,
  type CloudEventInput,
  createClient,
  type Published,
  type Registration,
  type RunJson,
  type TuttiClient,
} from './api.js';
export { TuttiHttpError } from './errors.js';
export type { ConnectionOptions } from './http.js';
export { createWorker, type Worker } from './worker.js';
export type { ServeOptions, StopOptions, WorkerOptions } from './worker-options.js';
