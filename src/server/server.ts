/**
 * `tutti server`: a Tutti instance on the embedded SQLite store (the default; `--store` and
 * `--bus` for PostgreSQL and the brokers come with their issues), the registered Conductor
 * definitions as workflows, and the HTTP API (native-api.ts) on @hono/node-server.
 *
 * Shutdown, in order: stop accepting connections and let requests under way finish, then stop
 * the engine (runs halt where they are and resume on the next start), flush and close the store.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createDefinitionRegistry } from '../conductor/registry.js';
import { registeredTaskDefs } from '../conductor/run/registered.js';
import { defineTaskWorkers, type TaskWorkers } from '../conductor/run/workers.js';
import { type Logger, silentLogger } from '../core/logger.js';
import { createTutti, type Tutti } from '../engine/tutti.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { conductorApi } from './conductor/conductor-api.js';
import { ConductorTaskLog } from './conductor/task-log.js';
import { DefinitionsRuntime } from './definitions-runtime.js';
import { nativeApi } from './native-api.js';

export interface ServerOptions {
  /** The SQLite file, created when missing. @default './tutti.db' */
  db?: string;
  /** A store to use instead of `db` (tests, other adapters). @default a SQLite store on `db` */
  store?: Store;
  /** The port; 0 picks a free one. @default 8080 */
  port?: number;
  /** The interface to listen on; '0.0.0.0' for every one. @default '127.0.0.1' */
  host?: string;
  /**
   * In-process workers of SIMPLE tasks; give them `remote: true` so that the other tasks go to
   * remote workers. @default none: every SIMPLE task runs on remote workers
   */
  workers?: TaskWorkers;
  /** Largest request body, in bytes. @default 1048576 */
  maxBodyBytes?: number;
  /** @default silentLogger */
  logger?: Logger;
}

export interface TuttiServer {
  /** `http://host:port` */
  readonly url: string;
  readonly tutti: Tutti;
  /** Stops accepting, finishes requests under way, then closes the engine and the store. */
  close(): Promise<void>;
}

/**
 * Starts the server; resolves once it listens and has resumed the runs left in flight.
 * @example
 * const server = await startServer({ db: './tutti.db', port: 8080 });
 * await fetch(`${server.url}/v1/health`);
 * await server.close();
 */
export async function startServer(options: ServerOptions = {}): Promise<TuttiServer> {
  const logger = options.logger ?? silentLogger;
  const store = options.store ?? createSqliteStore({ path: options.db ?? './tutti.db' });
  const registry = createDefinitionRegistry(store);
  const workers =
    options.workers ?? defineTaskWorkers({}, { taskDefs: await registeredTaskDefs(registry), remote: true });
  const taskLog = new ConductorTaskLog();
  const definitions = new DefinitionsRuntime(registry, workers, taskLog.record);
  // Built before the engine starts, so that it resumes each run with the version it started with.
  const inFlight = await definitions.inFlight(store);
  const tutti = await createTutti({ store, services: workers.services, workflows: inFlight, logger });
  definitions.attach((workflows) => tutti.addWorkflows(workflows));
  const app = nativeApi({ tutti, registry, definitions, logger, maxBodyBytes: options.maxBodyBytes });
  app.route('/api', conductorApi({ tutti, registry, definitions, taskLog, logger }));

  const host = options.host ?? '127.0.0.1';
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>(
    (resolve, reject) => {
      const listening = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host }, (info) =>
        resolve({ server: listening, address: info }),
      );
      listening.once('error', reject);
    },
  ).catch(async (error: unknown) => {
    await tutti.close();
    throw error;
  });
  logger.info('tutti server listening', { host, port: address.port });

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    tutti,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await tutti.close();
        if (!options.workers) await workers.close();
      })();
      return closing;
    },
  };
}
