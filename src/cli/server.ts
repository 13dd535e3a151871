/** `tutti server`: the HTTP API on a SQLite file until SIGINT or SIGTERM, then a graceful shutdown. */
import type { Command } from 'commander';
import { createDefinitionRegistry } from '../conductor/registry.js';
import { registeredTaskDefs } from '../conductor/run/registered.js';
import { ConfigError } from '../core/errors.js';
import { consoleLogger } from '../core/logger.js';
import { startServer } from '../server/server.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import { DB_HELP, dbPath } from './common.js';
import { loadWorkers } from './workers-module.js';

interface ServerCommandOptions {
  db?: string;
  port: string;
  host: string;
  workers?: string;
}

export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('serve the HTTP API (/v1/…) on a SQLite database (created when missing) until SIGINT/SIGTERM')
    .option('--port <n>', 'the port (0: any free one)', '8080')
    .option('--host <address>', "the interface to listen on ('0.0.0.0' for all)", '127.0.0.1')
    .option('--workers <module>', 'a JavaScript module exporting in-process workers of SIMPLE tasks')
    .option('--db <file>', DB_HELP)
    .action(async (options: ServerCommandOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new ConfigError(`--port: '${options.port}' must be a whole number from 0 to 65535`);
      }
      const store = createSqliteStore({ path: dbPath(options) });
      const workers =
        options.workers === undefined
          ? undefined
          : await loadWorkers(options.workers, await registeredTaskDefs(createDefinitionRegistry(store)), {
              remote: true,
            });
      const server = await startServer({ store, port, host: options.host, workers, logger: consoleLogger('info') });
      process.stdout.write(`tutti server listening on ${server.url} (database ${dbPath(options)})\n`);
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
    });
}
