/**
 * `tutti server`: Tutti instances on the embedded SQLite store (the default; `--store` and
 * `--bus` for PostgreSQL and the brokers come with their issues), one per namespace
 * (namespaces.ts), with the registered Conductor definitions as workflows and every SIMPLE task
 * without an in-process worker on remote workers; the HTTP app (app.ts) on @hono/node-server.
 *
 * Shutdown, in order: stop accepting connections and let requests under way finish, then stop
 * the engines (runs halt where they are and resume on the next start; tasks held by remote
 * workers stay theirs, and their results are taken after the restart), flush and close the stores.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createDefinitionRegistry } from '../conductor/registry.js';
import { registeredTaskDefs } from '../conductor/run/registered.js';
import { defineTaskWorkers, type TaskWorkers } from '../conductor/run/workers.js';
import type { EventContract } from '../contracts/event-contract.js';
import { ConfigError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/logger.js';
import type { WorkflowDefinition } from '../core/types.js';
import type { AnyService } from '../engine/service.js';
import type { Tutti } from '../engine/tutti.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { serverApp } from './app.js';
import { DEFAULT_NAMESPACE, Namespaces } from './namespaces.js';

export interface ServerOptions {
  /**
   * The SQLite file of the default namespace, created when missing; namespace `n` is kept beside
   * it in `<name>.n.db`. @default './tutti.db'
   */
  db?: string;
  /** The default namespace's store, instead of `db` (tests, other adapters). @default a SQLite store on `db` */
  store?: Store;
  /** The store of another namespace. @default a SQLite file beside `db` (required when `store` is given and tokens are on) */
  storeFor?: (namespace: string) => Store;
  /** The port; 0 picks a free one. @default 8080 */
  port?: number;
  /** The interface to listen on; '0.0.0.0' for every one. @default '127.0.0.1' */
  host?: string;
  /**
   * Ask every request but health for a token (`tutti tokens create --namespace N`); without
   * tokens, everything is in the namespace 'default': for `tutti dev` and tests on one machine.
   * @default true
   */
  auth?: boolean;
  /** Requests per second per token, and the burst. @default { perSecond: 100, burst: 200 } */
  rateLimit?: { perSecond: number; burst: number };
  /**
   * In-process workers of SIMPLE tasks; give them `remote: true` so that the other tasks go to
   * remote workers. @default none: every SIMPLE task runs on remote workers
   */
  workers?: TaskWorkers;
  /** Code-defined workflows, in every namespace, and the services they call (e.g. `remoteService(…)`). @default none */
  workflows?: readonly WorkflowDefinition<any, any>[];
  services?: readonly AnyService[];
  /**
   * Contracts of the events `POST /v1/events` accepts, the same in every namespace: an event of
   * one of these types is refused (400 naming the field) unless its data matches the version its
   * `dataversion` names, or the latest when it names none. Several versions of a type are fine.
   * @default none: events of every type are accepted unchecked
   */
  events?: readonly EventContract<any>[];
  /**
   * Refuse events of a type `events` has no contract for (400 naming the known types), instead of
   * accepting them unchecked. @default false: the bus is open, subscribers validate what they read
   */
  strictEvents?: boolean;
  /** Largest request body, in bytes. @default 1048576 */
  maxBodyBytes?: number;
  /**
   * How long a client has to send a whole request, headers and body (a slow or stalled client
   * gets a 408 and its connection is closed; Node's own default is 5 minutes). Answers may take
   * longer: long-polls and task streams are not bounded by it. The headers alone get at most
   * 10 s. @default 30000
   */
  requestTimeoutMs?: number;
  /** @default silentLogger */
  logger?: Logger;
}

/** How long a shutdown waits for requests under way before it closes their connections. */
const CLOSE_GRACE_MS = 10_000;

export interface TuttiServer {
  /** `http://host:port` */
  readonly url: string;
  /** The default namespace's instance. */
  readonly tutti: Tutti;
  /** The instance of a namespace, opened if it was not. */
  namespace(name: string): Promise<Tutti>;
  /** Stops accepting, finishes requests under way, then closes the engines and the stores. */
  close(): Promise<void>;
}

/**
 * Starts the server; resolves once it listens and has resumed the default namespace's runs
 * (and those of every namespace that has tokens).
 * @example
 * const server = await startServer({ db: './tutti.db', port: 8080 });
 * await fetch(`${server.url}/v1/health`);
 * await server.close();
 */
export async function startServer(options: ServerOptions = {}): Promise<TuttiServer> {
  const logger = options.logger ?? silentLogger;
  const serverOptions = timeouts(options);
  const db = options.db ?? './tutti.db';
  const main = options.store ?? createSqliteStore({ path: db });
  const storeFor = (namespace: string): Store => {
    if (namespace === DEFAULT_NAMESPACE) return main;
    if (options.storeFor) return options.storeFor(namespace);
    if (options.store) {
      throw new ConfigError(`namespace '${namespace}': give startServer a storeFor(namespace) beside its store`);
    }
    return createSqliteStore({ path: `${db.replace(/\.db$/, '')}.${namespace}.db` });
  };
  const workers =
    options.workers ??
    defineTaskWorkers({}, { taskDefs: await registeredTaskDefs(createDefinitionRegistry(main)), remote: true });
  const namespaces = new Namespaces({
    storeFor,
    workers,
    workflows: options.workflows ?? [],
    services: options.services ?? [],
    events: options.events ?? [],
    logger,
  });
  const auth = options.auth ?? true;
  const closeAll = async () => {
    await namespaces.close();
    if (!options.workers) await workers.close();
  };
  let app: ReturnType<typeof serverApp>;
  let closing: Promise<void> | undefined;
  let tutti: Tutti;
  try {
    tutti = (await namespaces.get(DEFAULT_NAMESPACE)).tutti;
    // Namespaces with tokens resume their runs now, not on their first request.
    if (auth) {
      const names = new Set((await main.listTokens()).map((t) => t.namespace));
      for (const name of names) await namespaces.get(name);
    }
    app = serverApp({
      closing: () => closing !== undefined,
      namespaces,
      tokens: auth ? main : undefined,
      logger,
      maxBodyBytes: options.maxBodyBytes,
      rateLimit: options.rateLimit,
      events: options.events,
      strictEvents: options.strictEvents,
    });
  } catch (error) {
    await closeAll();
    throw error;
  }

  const host = options.host ?? '127.0.0.1';
  const { server, address } = await new Promise<{ server: ReturnType<typeof serve>; address: AddressInfo }>(
    (resolve, reject) => {
      const listening = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host, serverOptions }, (info) =>
        resolve({ server: listening, address: info }),
      );
      listening.once('error', reject);
    },
  ).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  logger.info('tutti server listening', { host, port: address.port, auth });

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    tutti,
    namespace: async (name) => (await namespaces.get(name)).tutti,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Long-polls answer (nothing) and task streams end, so that their requests finish now.
        await namespaces.stopPolls();
        (server as Server).closeIdleConnections();
        // A request that will not finish (a client that reads nothing) does not hold the shutdown.
        const grace = setTimeout(() => (server as Server).closeAllConnections(), CLOSE_GRACE_MS);
        await closed;
        clearTimeout(grace);
        await closeAll();
      })();
      return closing;
    },
  };
}

/** Node's request timeouts from `requestTimeoutMs`, checked often enough to hold them (Node checks every 30 s by default). */
function timeouts(options: ServerOptions) {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  if (!Number.isSafeInteger(requestTimeout) || requestTimeout < 100) {
    throw new ConfigError(
      `requestTimeoutMs: must be a whole number of milliseconds, at least 100; got ${requestTimeout}`,
    );
  }
  return {
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 10_000),
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(requestTimeout / 4)),
  };
}
