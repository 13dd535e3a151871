/** What the commands share: the database they open, option parsing, and how they print values. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../core/errors.js';
import { createSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';

export interface DbOption {
  db?: string;
}

export const DB_HELP = 'SQLite database file (default: $TUTTI_DB or ./tutti.db)';

/** The database file: --db, else $TUTTI_DB, else ./tutti.db. */
export function dbPath(options: DbOption): string {
  return options.db ?? process.env.TUTTI_DB ?? './tutti.db';
}

/** The database file (dbPath). It must exist: reading never creates one. */
export function openExisting(options: DbOption): Store {
  const path = dbPath(options);
  if (!existsSync(path)) {
    throw new ConfigError(`no database at '${path}'; pass --db <file> or set TUTTI_DB`);
  }
  return createSqliteStore({ path });
}

/**
 * Opens the database, runs `use` with it and closes it, also when `use` throws. The file must
 * exist (openExisting) unless `create` is set, for commands whose purpose is to write.
 */
export async function withStore<T>(
  options: DbOption,
  use: (store: Store) => Promise<T>,
  { create = false }: { create?: boolean } = {},
): Promise<T> {
  const store = create ? createSqliteStore({ path: dbPath(options) }) : openExisting(options);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/** A whole number >= 1 given as `what` (an option or argument), or a ConfigError naming it. */
export function parseCount(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ConfigError(`${what}: '${value}' must be a whole number >= 1`);
  }
  return n;
}

/** A comma-separated list ('a,b'), or a ConfigError naming `what` when it holds nothing. */
export function parseList(value: string, what: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new ConfigError(`${what}: give one or more values, comma-separated`);
  return items;
}

export { describeError } from '../core/serialize.js';

export const parseJson = (json: string | null) => (json === null ? null : JSON.parse(json));
export const iso = (ms: number) => new Date(ms).toISOString();
export const truncate = (s: string, max = 60) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
export const print = (text: string) => {
  process.stdout.write(`${text}\n`);
};

/** A command that ran but did not succeed (a run that failed): its message, and exit code 1. */
export class CommandFailed extends Error {}

/** The exports of the module a flag names (`--workers ./workers.mjs`), or a ConfigError naming the flag. */
export async function importModule(flag: string, module: string): Promise<Record<string, unknown>> {
  try {
    return await import(pathToFileURL(resolve(module)).href);
  } catch (error) {
    throw new ConfigError(`${flag}: cannot load '${module}': ${(error as Error).message}`, { cause: error });
  }
}
