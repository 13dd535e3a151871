/**
 * Translates driver failures into Tutti errors: no SqliteError crosses the store port. Messages
 * name the file and say what to do; the driver's error stays as `cause`.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreUnavailableError, TuttiError } from '../../core/errors.js';

/** The SQLite result code of a driver error ('SQLITE_BUSY', ...), if it has one. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Why the file at `path` could not be opened, written or migrated, and how to fix it. */
export function openFailure(path: string, error: unknown): TuttiError {
  if (error instanceof TuttiError) return error;
  const code = sqliteCode(error);
  return new StoreUnavailableError(
    `sqlite store: cannot open ${describePath(path)} (${reason(error)}): ${openFix(path, code)}`,
    {
      cause: error,
      retryable: isTransient(code),
    },
  );
}

/** A failed read or write on an open store. Domain errors (UnknownRunError, ...) pass through. */
export function operationFailure(path: string, error: unknown): TuttiError {
  if (error instanceof TuttiError) return error;
  const code = sqliteCode(error);
  const fix = isTransient(code)
    ? 'another process held the write lock longer than `busyTimeoutMs`; retry, or raise `busyTimeoutMs`'
    : code === 'SQLITE_FULL'
      ? 'the disk is full; free space and retry'
      : 'check that the file is on a local disk this process can write, and that nothing else modifies it';
  return new StoreUnavailableError(`sqlite store: ${describePath(path)} failed (${reason(error)}): ${fix}`, {
    cause: error,
    retryable: isTransient(code) || code === 'SQLITE_FULL' || (code?.startsWith('SQLITE_IOERR') ?? false),
  });
}

function openFix(path: string, code: string | undefined): string {
  if (path === ':memory:') return 'retry';
  const absolute = resolve(path);
  const directory = dirname(absolute);
  if (!existsSync(directory))
    return `create the directory '${directory}' first, or choose a path in an existing directory`;
  if (existsSync(absolute) && statSync(absolute).isDirectory()) {
    return `it is a directory; give a file path inside it, e.g. '${resolve(absolute, 'tutti.db')}'`;
  }
  if (code === 'SQLITE_NOTADB') return 'it is not a SQLite database file; choose another path';
  if (code === 'SQLITE_CORRUPT') return 'the file is damaged; restore it from a backup';
  if (isTransient(code)) return 'another process holds a lock on it; retry, or raise `busyTimeoutMs`';
  return `make the file and its directory writable by this process (SQLite also creates '${absolute}-wal' and '${absolute}-shm' beside it)`;
}

function isTransient(code: string | undefined): boolean {
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (code?.startsWith('SQLITE_BUSY_') ?? false);
}

function describePath(path: string): string {
  const absolute = resolve(path);
  return path === ':memory:' || absolute === path ? `'${path}'` : `'${path}' (${absolute})`;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
