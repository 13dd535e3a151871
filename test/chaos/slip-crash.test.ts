/**
 * Durable means durable, for routing slips: SIGKILL a process hosting activities mid-way through
 * many slips, start it again, and check that every slip completes or is compensated, and that no
 * activity call whose hop had committed (its forward and follow events in the log) ran again.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const SLIPS = 80;
const dir = mkdtempSync(join(tmpdir(), 'tutti-slip-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function child(db: string, runs: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/chaos/slip-crash-child.ts', db, runs, String(SLIPS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Activity calls as "<execute|compensate> <activity> <trackingId>" lines. */
function readRuns(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

interface Logged {
  type: string;
  subject: string;
  data: { activity?: string };
}

async function readLog(db: string): Promise<Logged[]> {
  const store = createSqliteStore({ path: db });
  try {
    const events = await store.readEvents({ limit: 100_000 });
    return events.map((e) => ({ type: e.type, subject: e.subject as string, data: JSON.parse(e.data ?? '{}') }));
  } finally {
    await store.close();
  }
}

/** The calls whose hop committed: each left an activity-completed/-faulted/-compensated event. */
function committedCalls(log: Logged[]): Set<string> {
  const calls = new Set<string>();
  for (const e of log) {
    if (e.type === 'tutti.slip.activity-completed' || e.type === 'tutti.slip.activity-faulted') {
      calls.add(`execute ${e.data.activity} ${e.subject}`);
    } else if (e.type === 'tutti.slip.activity-compensated') {
      calls.add(`compensate ${e.data.activity} ${e.subject}`);
    }
  }
  return calls;
}

test('a SIGKILLed activity host loses no slip and runs no committed activity call again', {
  timeout: 120_000,
}, async (t) => {
  const db = join(dir, 'slips.db');
  const before = join(dir, 'runs-before.log');
  const afterLog = join(dir, 'runs-after.log');

  // 1. Start the slips and run them; kill once about a third of the calls have run.
  const first = child(db, before);
  let stderr = '';
  first.stderr?.on('data', (d) => {
    stderr += d;
  });
  const watcher = setInterval(() => {
    if (readRuns(before).length >= SLIPS && first.exitCode === null) first.kill('SIGKILL');
  }, 5);
  const exit = await new Promise<{ signal: string | null }>((resolve) =>
    first.on('exit', (_c, signal) => resolve({ signal })),
  );
  clearInterval(watcher);
  assert.equal(exit.signal, 'SIGKILL', `the child finished before the kill: ${stderr}`);

  // 2. What had committed at the kill.
  const atKill = await readLog(db);
  const committed = committedCalls(atKill);
  const outcomesAtKill = atKill.filter((e) => e.type === 'tutti.slip.completed' || e.type === 'tutti.slip.faulted');
  assert.ok(outcomesAtKill.length < SLIPS, 'the kill must land before every slip is done');
  t.diagnostic(
    `at the kill: ${readRuns(before).length} calls ran, ${committed.size} committed, ${outcomesAtKill.length} slips done`,
  );

  // 3. Restart: it starts every slip again (idempotently) and carries them all to an outcome.
  const second = child(db, afterLog);
  second.stderr?.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise((resolve) => second.on('exit', resolve));
  assert.equal(code, 0, `restart failed: ${stderr}`);

  const log = await readLog(db);
  const pre = readRuns(before);
  const post = readRuns(afterLog);
  for (let i = 0; i < SLIPS; i++) {
    const id = `slip-${i}`;
    const outcomes = log.filter((e) => e.subject === id && /^tutti\.slip\.(completed|faulted)$/.test(e.type));
    assert.deepEqual(
      outcomes.map((e) => e.type),
      [i % 5 === 0 ? 'tutti.slip.faulted' : 'tutti.slip.completed'],
      `${id}: one outcome`,
    );
    const compensations = log
      .filter((e) => e.subject === id && e.type === 'tutti.slip.activity-compensated')
      .map((e) => e.data.activity);
    assert.deepEqual(compensations, i % 5 === 0 ? ['transcode', 'encode'] : [], `${id}: compensated newest first`);
  }

  const again = post.filter((call) => committed.has(call));
  assert.deepEqual(again, [], 'no committed activity call ran again after the restart');
  const calls = [...pre, ...post];
  for (const call of new Set(calls)) {
    const times = calls.filter((c) => c === call).length;
    assert.ok(times <= 2, `${call} ran ${times} times`);
  }
  const rerun = post.filter((call) => pre.includes(call));
  t.diagnostic(
    `after the restart: ${post.length} calls, ${rerun.length} of them ran before the kill without committing`,
  );
});
