/**
 * What only the SQLite store does: durability across reopen, migrations, refusing files it must
 * not touch, and group commit down to the transaction. The port's behaviour is in
 * test/conformance/. Each case gets a temporary directory, removed afterwards.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { listMigrations } from '../../src/store/sqlite/sqlite-migrate.js';
import { journalEntry, newDefinition, newRun, newTask, timer } from '../conformance/store-fixtures.js';

const isRoot = process.getuid?.() === 0;
const rootSkip = isRoot
  ? 'root can write to read-only files and directories; run as another user to check this'
  : false;

interface LedgerRow {
  version: number;
  name: string;
  applied_at: number;
}

function readLedger(path: string): LedgerRow[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT version, name, applied_at FROM tutti_migrations ORDER BY version').all() as LedgerRow[];
  } finally {
    db.close();
  }
}

/** Transactions committed to a WAL file since it was last reset: the frames that end one. */
function walCommits(walPath: string): number {
  const wal = readFileSync(walPath);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const [salt1, salt2] = [wal.readUInt32BE(16), wal.readUInt32BE(20)];
  let commits = 0;
  for (let offset = 32; offset + 24 + pageSize <= wal.length; offset += 24 + pageSize) {
    // Frames with other salts are left over from before the last reset.
    if (wal.readUInt32BE(offset + 8) !== salt1 || wal.readUInt32BE(offset + 12) !== salt2) break;
    if (wal.readUInt32BE(offset + 4) !== 0) commits++;
  }
  return commits;
}

describe('sqlite store', () => {
  let directory: string;
  let path: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'tutti-sqlite-'));
    path = join(directory, 'tutti.db');
  });
  afterEach(() => {
    chmodSync(directory, 0o755);
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps runs, journals, timers and tasks across close and reopen', async () => {
    const first = createSqliteStore({ path });
    await first.createRun(newRun('run-1'));
    await first.commit({
      runId: 'run-1',
      at: 1_100,
      status: 'sleeping',
      journal: [journalEntry('run-1', 0), journalEntry('run-1', 1, { ok: false })],
      setTimer: timer('run-1', 2, 5_000),
      enqueue: [newTask('task-1')],
    });
    const state = await first.readRunState('run-1');
    // Not awaited: close must land it.
    const last = first.commit({ runId: 'run-1', at: 1_200, output: '"late"' });
    await first.close();
    await last;

    const second = createSqliteStore({ path });
    try {
      assert.deepEqual(await second.readRunState('run-1'), {
        ...state,
        run: { ...state?.run, output: '"late"', updatedAt: 1_200 },
      });
      assert.deepEqual(await second.dueTimers(5_000, 10), [timer('run-1', 2, 5_000)]);
      assert.deepEqual(
        (await second.claimTasks('payments', 'worker-1', 10, 1_000, 0)).map((t) => t.id),
        ['task-1'],
      );
      assert.equal((await second.createRun(newRun('run-1'))).created, false);
    } finally {
      await second.close();
    }
  });

  it('keeps definitions across reopen, and a second connection sees them before writing', async () => {
    const first = createSqliteStore({ path });
    const second = createSqliteStore({ path });
    try {
      const definition = newDefinition('order', 1, { body: '{"v":"first"}' });
      await first.putDefinition(definition);
      const other = newDefinition('order', 1, { body: '{"v":"second"}' });
      assert.deepEqual(await second.putDefinition(other), { outcome: 'conflict', definition });
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
    const reopened = createSqliteStore({ path });
    try {
      assert.deepEqual(await reopened.listDefinitions('workflow'), [
        newDefinition('order', 1, { body: '{"v":"first"}' }),
      ]);
    } finally {
      await reopened.close();
    }
  });

  it('writes the migrations ledger: one row per migration shipped', async () => {
    const before = Date.now();
    await createSqliteStore({ path }).close();
    const shipped = listMigrations();
    assert.ok(shipped.length >= 1);
    assert.deepEqual(shipped[0], { version: 1, name: '000001.sql' });
    const ledger = readLedger(path);
    assert.deepEqual(
      ledger.map(({ version, name }) => ({ version, name })),
      shipped,
    );
    for (const row of ledger) assert.ok(row.applied_at >= before && row.applied_at <= Date.now());
  });

  it('does not run migrations again when reopening', async () => {
    const first = createSqliteStore({ path });
    await first.createRun(newRun('run-1'));
    await first.close();
    const ledger = readLedger(path);
    const second = createSqliteStore({ path });
    assert.equal((await second.getRun('run-1'))?.id, 'run-1');
    await second.close();
    assert.deepEqual(readLedger(path), ledger);
  });

  it('migrates a new file once when several processes open it at the same time', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/open-sqlite-store.ts', import.meta.url));
    const run = promisify(execFile);
    const ids = ['run-a', 'run-b', 'run-c', 'run-d'];
    await Promise.all(ids.map((id) => run(process.execPath, ['--import', 'tsx', fixture, path, id])));
    assert.deepEqual(
      readLedger(path).map((row) => row.version),
      listMigrations().map((m) => m.version),
    );
    const store = createSqliteStore({ path });
    try {
      assert.deepEqual((await store.listRuns()).map((r) => r.id).sort(), ids);
    } finally {
      await store.close();
    }
  });

  it('refuses a file written by a newer schema, and leaves it untouched', async () => {
    await createSqliteStore({ path }).close();
    const db = new Database(path);
    db.prepare('INSERT INTO tutti_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('000999.sql');
    db.close();
    const bytes = readFileSync(path);
    const newest = listMigrations().at(-1)?.version;

    assert.throws(
      () => createSqliteStore({ path }),
      (error: Error & { code?: string }) => {
        assert.equal(error.name, 'SchemaTooNewError');
        assert.equal(error.code, 'STORE_SCHEMA_TOO_NEW');
        assert.ok(error.message.includes(path), error.message);
        assert.match(error.message, new RegExp(`version 999\\b.*up to ${newest}\\b`));
        assert.match(error.message, /upgrade tutti/i);
        assert.match(error.message, /nothing in the file was changed/);
        return true;
      },
    );
    assert.deepEqual(readFileSync(path), bytes);
  });

  describe('reports a path it cannot use with StoreUnavailableError naming the path', () => {
    const assertUnavailable = (badPath: string, hint: RegExp) =>
      assert.throws(
        () => createSqliteStore({ path: badPath }),
        (error: Error & { code?: string }) => {
          assert.equal(error.name, 'StoreUnavailableError');
          assert.equal(error.code, 'STORE_UNAVAILABLE');
          assert.ok(error.message.includes(badPath), error.message);
          assert.match(error.message, hint);
          assert.ok(error.cause, 'keeps the driver error as cause');
          return true;
        },
      );

    it('a missing directory', () => {
      assertUnavailable(join(directory, 'missing', 'tutti.db'), /create the directory/);
    });

    it('a directory given as the file', () => {
      assertUnavailable(directory, /is a directory/);
    });

    it('a file that is not a SQLite database', () => {
      writeFileSync(path, 'not a database, only text. '.repeat(100));
      assertUnavailable(path, /not a SQLite database/);
    });

    it('a directory it cannot write', { skip: rootSkip }, () => {
      chmodSync(directory, 0o555);
      assertUnavailable(path, /writable/);
    });

    it('a database file it cannot write', { skip: rootSkip }, async () => {
      await createSqliteStore({ path }).close();
      chmodSync(path, 0o444);
      assertUnavailable(path, /writable/);
    });
  });

  it('rejects bad options with ConfigError', () => {
    const bad = [
      { path: '' },
      { path, synchronous: 'EXTRA' as 'FULL' },
      { path, busyTimeoutMs: -1 },
      { path, writer: 'process' as 'thread' },
    ];
    for (const options of bad) assert.throws(() => createSqliteStore(options), { code: 'CONFIG_INVALID' });
    assert.throws(() => createSqliteStore({ path: ':memory:', writer: 'thread' }), {
      code: 'CONFIG_INVALID',
      message: /writer: 'inline'/,
    });
  });

  it("opens ':memory:' with the inline writer by default", async () => {
    const store = createSqliteStore({ path: ':memory:' });
    await store.createRun(newRun('run-1'));
    assert.equal((await store.getRun('run-1'))?.status, 'running');
    await store.close();
  });

  it('lets the process exit when a store with a writer thread is left open and idle', async () => {
    // The fixture writes through the writer thread and never closes the store; a thread held
    // open would keep the child alive until execFile's timeout kills it.
    const fixture = fileURLToPath(new URL('./fixtures/leave-sqlite-store-open.ts', import.meta.url));
    const started = Date.now();
    await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, path], { timeout: 20_000 });
    assert.ok(Date.now() - started < 20_000);
    const store = createSqliteStore({ path });
    assert.equal((await store.getRun('run-left-open'))?.status, 'completed');
    await store.close();
  });

  it('works with every synchronous setting', async () => {
    for (const synchronous of ['FULL', 'NORMAL', 'OFF'] as const) {
      const store = createSqliteStore({ path, synchronous });
      await store.createRun(newRun(`run-${synchronous}`));
      await store.close();
    }
    const store = createSqliteStore({ path });
    assert.equal((await store.listRuns()).length, 3);
    await store.close();
  });

  it('lands 1,000 commits submitted together in a few transactions', async () => {
    const store = createSqliteStore({ path });
    try {
      await store.createRun(newRun('run-1'));
      const before = walCommits(`${path}-wal`);
      for (let i = 0; i < 5; i++) await store.commit({ runId: 'run-1', at: i, journal: [journalEntry('run-1', i)] });
      // The counter counts: five awaited commits are five transactions.
      assert.equal(walCommits(`${path}-wal`), before + 5);

      const commits: Promise<void>[] = [];
      for (let i = 5; i < 1_005; i++)
        commits.push(store.commit({ runId: 'run-1', at: i, journal: [journalEntry('run-1', i)] }));
      await Promise.all(commits);
      assert.ok(
        walCommits(`${path}-wal`) - (before + 5) <= 2,
        `${walCommits(`${path}-wal`) - before - 5} transactions`,
      );
      assert.equal((await store.readRunState('run-1'))?.journal.length, 1_005);
    } finally {
      await store.close();
    }
  });

  it('shares one file between two stores: each sees the other, and claims stay exclusive', async () => {
    const a = createSqliteStore({ path });
    const b = createSqliteStore({ path });
    try {
      await a.createRun(newRun('run-1'));
      await b.commit({ runId: 'run-1', at: 1, enqueue: [newTask('task-1'), newTask('task-2'), newTask('task-3')] });
      assert.equal((await a.getRun('run-1'))?.updatedAt, 1);
      const [fromA, fromB] = await Promise.all([
        a.claimTasks('payments', 'worker-a', 2, 1_000, 0),
        b.claimTasks('payments', 'worker-b', 2, 1_000, 0),
      ]);
      const claimed = [...fromA, ...fromB].map((t) => t.id).sort();
      assert.deepEqual(claimed, ['task-1', 'task-2', 'task-3']);
      await assert.rejects(
        b
          .commit({ runId: 'run-1', at: 2, journal: [journalEntry('run-1', 0)] })
          .then(() => a.commit({ runId: 'run-1', at: 3, journal: [journalEntry('run-1', 0)] })),
        { code: 'JOURNAL_CONFLICT' },
      );
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
