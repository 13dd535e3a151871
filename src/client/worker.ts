/**
 * A worker: a process that runs the steps of services declared on the server with
 * `remoteService(name, steps)`. It serves each service (defined here with its handlers) by
 * claiming the tasks of the queue named after it, running each with the step's function, and
 * reporting the outcome; leases and heartbeats make a dead worker's tasks go to another.
 *
 * Delivery is at least once: a task whose worker died, or whose report was lost, runs again.
 * Steps make repeats harmless with `ctx.idempotencyKey`, the same for every attempt.
 */
import { ConfigError, DuplicateNameError } from '../core/errors.js';
import { childLogger, type Logger } from '../core/logger.js';
import { type AnyService, type ServiceMeta, serviceMeta } from '../engine/service.js';
import type { TuttiHttpError } from './errors.js';
import { Http } from './http.js';
import { QueueLoop } from './queue-loop.js';
import {
  type ResolvedWorkerOptions,
  resolveDrainMs,
  resolveServeOptions,
  resolveWorkerOptions,
  type ServeOptions,
  type StopOptions,
  type WorkerOptions,
} from './worker-options.js';

export interface Worker {
  /** The name this worker's leases are held in. */
  readonly workerId: string;
  /** Serves a service's steps from this worker; before `start()`. Returns the worker, to chain. */
  serve(service: AnyService, options?: ServeOptions): Worker;
  /**
   * Starts claiming tasks; resolves once every served service is connected (its stream open, or
   * its first poll answered). Rejects when the server cannot be reached or refuses the worker
   * (a missing or wrong token); the worker is then stopped.
   */
  start(): Promise<void>;
  /**
   * Stops claiming, hands back the tasks claimed but not started (other workers get them at
   * once), lets the steps under way finish and report (up to `drainMs`), then aborts the others
   * (their results are dropped; their leases run out and other workers get them).
   */
  stop(options?: StopOptions): Promise<void>;
}

/**
 * Creates a worker for a Tutti server; nothing is sent before `start()`.
 *
 * @example
 * const payment = defineService('payment', {
 *   charge: async (order: Order, ctx) => gateway.charge(order, { idempotencyKey: ctx.idempotencyKey }),
 * });
 * const worker = createWorker({ url: 'http://localhost:8080', token: process.env.TUTTI_TOKEN });
 * worker.serve(payment, { concurrency: 5 });
 * await worker.start();
 * process.once('SIGTERM', () => void worker.stop());
 */
export function createWorker(options: WorkerOptions): Worker {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError("createWorker: give the options, e.g. createWorker({ url: 'http://localhost:8080' })");
  }
  return new TaskWorker(Http.create(options, 'createWorker'), resolveWorkerOptions(options));
}

type State = 'new' | 'starting' | 'running' | 'stopping';

class TaskWorker implements Worker {
  readonly workerId: string;
  private readonly loops = new Map<string, QueueLoop>();
  private readonly logger: Logger;
  private state: State = 'new';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly http: Http,
    private readonly options: ResolvedWorkerOptions,
  ) {
    this.workerId = options.workerId;
    this.logger = childLogger(options.logger, { workerId: options.workerId });
  }

  serve(service: AnyService, options: ServeOptions = {}): Worker {
    const meta = servedMeta(service);
    if (this.state !== 'new') {
      throw new ConfigError(`serve('${meta.name}'): call serve before start(); this worker has started already`);
    }
    if (this.loops.has(meta.name)) {
      throw new DuplicateNameError(`serve('${meta.name}'): this worker serves a service of that name already`);
    }
    const { concurrency } = resolveServeOptions(options, meta.name);
    const loop = new QueueLoop({
      http: this.http,
      workerId: this.workerId,
      transport: this.options.transport,
      leaseMs: this.options.leaseMs,
      logger: this.logger,
      service: meta,
      concurrency,
      fatal: (error) => this.fail(error),
    });
    this.loops.set(meta.name, loop);
    return this;
  }

  start(): Promise<void> {
    this.starting ??= this.begin();
    return this.starting;
  }

  stop(options: StopOptions = {}): Promise<void> {
    let drainMs: number;
    try {
      drainMs = resolveDrainMs(options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.stopping ??= this.end(drainMs);
    return this.stopping;
  }

  private async begin(): Promise<void> {
    if (this.state === 'stopping')
      throw new ConfigError('start: this worker was stopped; create another to start again');
    if (this.loops.size === 0) {
      throw new ConfigError('start: serve a service first: worker.serve(defineService(name, handlers))');
    }
    this.state = 'starting';
    try {
      await Promise.all([...this.loops.values()].map((loop) => loop.start()));
      if (this.failure) throw this.failure;
    } catch (error) {
      await this.stop({ drainMs: 0 });
      throw this.failure ?? error;
    }
    this.state = 'running';
    this.logger.info('worker started', { services: [...this.loops.keys()], transport: this.options.transport });
  }

  private async end(drainMs: number): Promise<void> {
    this.state = 'stopping';
    for (const loop of this.loops.values()) loop.stopClaiming();
    await Promise.all([...this.loops.values()].map((loop) => loop.drain(drainMs)));
    this.logger.info('worker stopped', { workerId: this.workerId });
  }

  /** The server refuses the worker for good: it stops, and says why where it can be heard. */
  private fail(error: TuttiHttpError): void {
    if (this.failure || this.state === 'stopping') return;
    this.failure = error;
    this.logger.error(`the worker stops: ${error.message}`, { error });
    if (this.state === 'running') {
      try {
        this.options.onError?.(error);
      } catch (thrown) {
        this.logger.error('onError threw', { error: thrown });
      }
    }
    void this.stop({ drainMs: 0 });
  }
}

/** The metadata of a service a worker can run: one made by defineService, with handlers. */
function servedMeta(service: AnyService): ServiceMeta {
  let meta: ServiceMeta;
  try {
    meta = serviceMeta(service);
  } catch {
    throw new ConfigError('serve: give a service made by defineService(name, handlers)');
  }
  if (meta.remote) {
    throw new ConfigError(
      `serve('${meta.name}'): this is the server's remoteService declaration, which has no handlers; ` +
        `serve defineService('${meta.name}', { ...handlers }) here`,
    );
  }
  return meta;
}
