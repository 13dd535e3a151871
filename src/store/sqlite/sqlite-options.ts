import { ConfigError } from '../../core/errors.js';

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /**
   * The database file, created with its tables when missing (its directory must exist); relative
   * paths resolve against the working directory. SQLite keeps `<path>-wal` and `<path>-shm` beside it.
   */
  path: string;
  /**
   * How hard each commit waits for the disk. 'FULL': a resolved write survives power loss.
   * 'NORMAL': it survives a crash of the process but may be lost on power loss (faster).
   * 'OFF': leaves flushing to the operating system (tests and throwaway data only).
   * @default 'FULL'
   */
  synchronous?: SqliteSynchronous;
  /**
   * How long a write waits for another process holding the file's write lock before failing
   * with StoreUnavailableError (retryable), in milliseconds.
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * Where writes run. 'thread': a worker thread applies the group-committed batches, so statement
   * work and fsyncs overlap with the engine on another core (the fastest under load). 'inline':
   * on the caller's thread (no thread to start; the only choice for ':memory:').
   * @default 'thread' ('inline' for ':memory:')
   */
  writer?: SqliteWriterMode;
}

export type SqliteWriterMode = 'thread' | 'inline';

export type SqliteSynchronous = 'FULL' | 'NORMAL' | 'OFF';

export type ResolvedSqliteStoreOptions = Required<SqliteStoreOptions>;

const SYNCHRONOUS: readonly SqliteSynchronous[] = ['FULL', 'NORMAL', 'OFF'];

/** Applies the defaults and validates; the one place options are read. */
export function resolveSqliteStoreOptions(options: SqliteStoreOptions): ResolvedSqliteStoreOptions {
  const { path, synchronous = 'FULL', busyTimeoutMs = 5000 } = options;
  const writer = options.writer ?? (path === ':memory:' ? 'inline' : 'thread');
  if (typeof path !== 'string' || path === '') {
    throw new ConfigError("sqlite store: `path` must name a database file, e.g. { path: './tutti.db' }");
  }
  if (!SYNCHRONOUS.includes(synchronous)) {
    throw new ConfigError(
      `sqlite store: \`synchronous\` is '${String(synchronous)}'; use one of ${SYNCHRONOUS.map((s) => `'${s}'`).join(', ')}`,
    );
  }
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new ConfigError(
      `sqlite store: \`busyTimeoutMs\` is ${String(busyTimeoutMs)}; use a whole number of milliseconds, 0 or more`,
    );
  }
  if (writer !== 'thread' && writer !== 'inline') {
    throw new ConfigError(`sqlite store: \`writer\` is '${String(writer)}'; use 'thread' or 'inline'`);
  }
  if (writer === 'thread' && path === ':memory:') {
    throw new ConfigError(
      "sqlite store: a ':memory:' database is private to its connection, so the writer thread cannot reach it; use writer: 'inline'",
    );
  }
  return { path, synchronous, busyTimeoutMs, writer };
}
