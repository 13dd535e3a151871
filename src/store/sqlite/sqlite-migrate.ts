/**
 * Schema migrations: numbered, append-only files `sql/migrations/NNNNNN.sql`, applied in order,
 * each in one transaction with its row in the ledger `tutti_migrations`.
 *
 * The check and the apply run under one BEGIN IMMEDIATE (SQLite's write lock), so two processes
 * opening the same new file cannot both migrate: the second waits (busy timeout), then finds
 * nothing to do. A ledger ahead of the newest migration shipped means the file was written by a
 * newer tutti: it is refused before anything is written to it.
 */
import { readdirSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { SchemaTooNewError } from '../../core/errors.js';
import { readSql } from './sqlite-queries.js';

export interface Migration {
  version: number;
  /** The file name, e.g. '000001.sql'; kept in the ledger. */
  name: string;
}

const MIGRATION_FILE = /^(\d{6})\.sql$/;

/** The migrations this version of tutti ships, oldest first. */
export function listMigrations(): Migration[] {
  return readdirSync(new URL('./sql/migrations/', import.meta.url))
    .flatMap((name) => {
      const match = MIGRATION_FILE.exec(name);
      return match ? [{ version: Number(match[1]), name }] : [];
    })
    .sort((a, b) => a.version - b.version);
}

/**
 * Brings the schema of an open database up to date and returns the versions it applied (none
 * when already current). When nothing is pending it still commits a write that changes nothing,
 * so a file this process cannot write is reported at open rather than at the first commit.
 * Throws SchemaTooNewError, leaving the file untouched, when the file is ahead of this version.
 */
export function migrate(db: Database.Database, path: string, now: () => number = Date.now): number[] {
  const migrations = listMigrations();
  const newest = migrations.at(-1)?.version ?? 0;
  const checkAndApply = db.transaction((): number[] => {
    // A no-op when the ledger exists: a newer file is refused below without having been written.
    db.exec(readSql('queries/create-migration-ledger.sql'));
    const { version: current } = db
      .prepare<[], { version: number }>(readSql('queries/select-schema-version.sql'))
      .get() as { version: number };
    if (current > newest) {
      throw new SchemaTooNewError(
        `sqlite store: '${path}' has schema version ${current}, but this version of tutti knows versions up to ${newest}: ` +
          'the file was written by a newer tutti. Upgrade tutti to open it; nothing in the file was changed.',
      );
    }
    const pending = migrations.filter((migration) => migration.version > current);
    if (pending.length === 0) {
      db.prepare(readSql('queries/probe-write.sql')).run({ version: current });
      return [];
    }
    const record = db.prepare(readSql('queries/record-migration.sql'));
    for (const migration of pending) {
      db.exec(readSql(`migrations/${migration.name}`));
      record.run({ version: migration.version, name: migration.name, appliedAt: now() });
    }
    return pending.map((migration) => migration.version);
  });
  return checkAndApply.immediate();
}
