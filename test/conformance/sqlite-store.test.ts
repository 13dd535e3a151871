import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { storeConformance } from './store.case.js';

// A fresh database file per case, in its own temporary directory (SQLite keeps -wal and -shm
// files beside it); the directory goes with the cleanup.
storeConformance('sqlite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'tutti-sqlite-'));
  const store = createSqliteStore({ path: join(directory, 'tutti.db') });
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});
