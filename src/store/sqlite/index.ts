export type { SqliteStoreOptions, SqliteSynchronous } from './sqlite-options.js';
export { createSqliteStore } from './sqlite-store.js';
