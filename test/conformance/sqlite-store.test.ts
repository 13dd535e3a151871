import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore, type SqliteWriterMode } from '../../src/store/sqlite/index.js';
import { storeConformance } from './store.case.js';

// Both writers: batches applied on the writer thread (the default) and on the caller's thread.
// A fresh database file per case, in its own temporary directory (SQLite keeps -wal and -shm
// files beside it); the directory goes with the cleanup.
for (const writer of ['thread', 'inline'] satisfies SqliteWriterMode[]) {
  storeConformance(`sqlite, writer ${writer}`, async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tutti-sqlite-'));
    const store = createSqliteStore({ path: join(directory, 'tutti.db'), writer });
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  });
}
