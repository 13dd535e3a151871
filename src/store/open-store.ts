/**
 * Opens a store from a URL-like string, loading the adapter (and its driver) only when asked:
 * the root export must not load better-sqlite3 or pg for users who never touch them.
 *
 *   'memory:'                 in-memory store (nothing is kept)
 *   'sqlite:./tutti.db'       SQLite file, relative to the working directory
 *   'sqlite:/abs/path.db'     SQLite file, absolute path
 */
import { ConfigError } from '../core/errors.js';
import type { Store } from './store.js';

export async function openStore(url: string): Promise<Store> {
  if (url === 'memory:' || url === 'memory') {
    const { createMemoryStore } = await import('./memory/memory-store.js');
    return createMemoryStore();
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new ConfigError(`store: '${url}' has no file path; write e.g. 'sqlite:./tutti.db'`);
    const { createSqliteStore } = await import('./sqlite/sqlite-store.js');
    return createSqliteStore({ path });
  }
  throw new ConfigError(
    `store: '${url}' is not a store URL; use 'sqlite:./tutti.db' (durable, one file) or 'memory:' (tests only)`,
  );
}
