/**
 * `tutti server`: the HTTP API on a SQLite file until SIGINT or SIGTERM, then a graceful
 * shutdown. `tutti dev`: the same with zero set-up: no tokens (everything in the namespace
 * 'default', on 127.0.0.1 only) and a throwaway database unless `--db` names one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { createDefinitionRegistry } from '../conductor/registry.js';
import { registeredTaskDefs } from '../conductor/run/registered.js';
import { ConfigError } from '../core/errors.js';
import { consoleLogger } from '../core/logger.js';
import { startServer } from '../server/server.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { DB_HELP, dbPath } from './common.js';
import { loadEventContracts } from './events-module.js';
import { loadWorkers } from './workers-module.js';

interface ServerCommandOptions {
  db?: string;
  store?: string;
  bus?: string;
  port: string;
  host: string;
  workers?: string;
  events?: string;
  strictEvents?: boolean;
  auth: boolean;
}

const EVENTS_HELP = 'a JavaScript module exporting the event contracts POST /v1/events validates data against';
const STRICT_EVENTS_HELP = 'refuse events of a type with no contract in --events (default: accept them unchecked)';

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description(
      'serve the HTTP API (/v1/…, and /api/… for Conductor clients) on a SQLite database until SIGINT/SIGTERM',
    )
    .option('--port <n>', 'the port (0: any free one)', '8080')
    .option('--host <address>', "the interface to listen on ('0.0.0.0' for all)", '127.0.0.1')
    .option('--workers <module>', 'a JavaScript module exporting in-process workers of SIMPLE tasks')
    .option('--events <module>', EVENTS_HELP)
    .option('--strict-events', STRICT_EVENTS_HELP)
    .option('--no-auth', "serve without tokens: every request is in the namespace 'default' (127.0.0.1 only)")
    .option('--db <file>', DB_HELP)
    .option('--store <url>', "where runs are kept: 'sqlite:<file>' (the same as --db <file>)")
    .option('--bus <name>', "the event bus: 'embedded' (on the store)", 'embedded')
    .action((options: ServerCommandOptions) => serveUntilStopped({ ...options, db: storePath(options) }));

  program
    .command('dev')
    .description('a server for development: no tokens, on 127.0.0.1, on a throwaway database unless --db names one')
    .option('--port <n>', 'the port (0: any free one)', '8080')
    .option('--workers <module>', 'a JavaScript module exporting in-process workers of SIMPLE tasks')
    .option('--events <module>', EVENTS_HELP)
    .option('--strict-events', STRICT_EVENTS_HELP)
    .option('--db <file>', 'keep the data in this SQLite file (created when missing)')
    .action((options: Omit<ServerCommandOptions, 'host' | 'auth'>) =>
      serveUntilStopped({
        ...options,
        host: '127.0.0.1',
        auth: false,
        db: options.db ?? join(mkdtempSync(join(tmpdir(), 'tutti-dev-')), 'tutti.db'),
      }),
    );
}

/**
 * The SQLite file of `--store sqlite:<file>` or `--db`. PostgreSQL and the brokers plug in here
 * when their adapters land; until then they are refused with what to use instead.
 */
function storePath(options: ServerCommandOptions): string {
  if (options.bus !== undefined && options.bus !== 'embedded') {
    throw new ConfigError(`--bus: '${options.bus}' is not available yet; use 'embedded' (the bus on the store)`);
  }
  if (options.store === undefined) return dbPath(options);
  if (options.db !== undefined) throw new ConfigError('--store and --db name the same thing; give one of them');
  if (!options.store.startsWith('sqlite:') || options.store.length === 'sqlite:'.length) {
    throw new ConfigError(
      `--store: '${options.store}' is not available; use 'sqlite:<file>' (PostgreSQL comes with its own adapter)`,
    );
  }
  return options.store.slice('sqlite:'.length);
}

async function serveUntilStopped(options: ServerCommandOptions & { db: string }): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`--port: '${options.port}' must be a whole number from 0 to 65535`);
  }
  if (!options.auth && !['127.0.0.1', 'localhost', '::1'].includes(options.host)) {
    throw new ConfigError(
      `--no-auth: refused with --host ${options.host}; without tokens anyone who reaches the port has every namespace's data. Create tokens (tutti tokens create --namespace <ns>) or listen on 127.0.0.1`,
    );
  }
  if (options.strictEvents && options.events === undefined) {
    throw new ConfigError(
      '--strict-events: give --events <module> too; without contracts every event POST /v1/events receives would be refused',
    );
  }
  // Loaded first: a module that exports no contracts is refused before anything is opened.
  const events = options.events === undefined ? undefined : await loadEventContracts(options.events);
  let workers: Awaited<ReturnType<typeof loadWorkers>> | undefined;
  if (options.workers !== undefined) {
    // The task definitions' limits bind in-process workers: read them before the server opens the file.
    const store = createSqliteStore({ path: options.db });
    const taskDefs = await registeredTaskDefs(createDefinitionRegistry(store)).finally(() => store.close());
    workers = await loadWorkers(options.workers, taskDefs, { remote: true });
  }
  const server = await startServer({
    db: options.db,
    port,
    host: options.host,
    auth: options.auth,
    workers,
    events,
    strictEvents: options.strictEvents ?? false,
    logger: consoleLogger('info'),
  });
  const tokens = options.auth ? 'tokens required: tutti tokens create --namespace <ns>' : 'no tokens';
  process.stdout.write(`tutti server listening on ${server.url} (database ${options.db}; ${tokens})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`${signal}: finishing requests under way, then closing\n`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  await workers?.close();
  process.stdout.write('closed\n');
}
