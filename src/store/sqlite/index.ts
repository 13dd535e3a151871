export type { SqliteStoreOptions, SqliteSynchronous, SqliteWriterMode } from './sqlite-options.js';
export { createSqliteStore } from './sqlite-store.js';
