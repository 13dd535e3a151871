/** A fresh SQLite file per test, removed afterwards (STYLE: isolated and cheap). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDbPath(prefix = 'tutti-test-'): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { path: join(dir, 'tutti.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
