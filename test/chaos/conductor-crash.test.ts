/**
 * Durable means durable, for Conductor definitions: SIGKILL a process mid-way through many runs of
 * a definition with a script, parallel branches of different lengths and a loop; start it again;
 * every run completes with the outputs its own tasks produced (a branch never takes the other
 * branch's recorded result on replay), and no step that had been journaled ran again.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const RUNS = 30;
const dir = mkdtempSync(join(tmpdir(), 'tutti-conductor-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function child(db: string, runs: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/chaos/conductor-crash-child.ts', db, runs, String(RUNS)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const readLabels = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : []);

test('a SIGKILLed Conductor run resumes where it was: right outputs, no journaled task run again', {
  timeout: 120_000,
}, async () => {
  const db = join(dir, 'tutti.db');
  const before = join(dir, 'before.log');
  const afterLog = join(dir, 'after.log');

  const first = child(db, before);
  let stderr = '';
  first.stderr?.on('data', (d) => {
    stderr += d;
  });
  // Each run makes 7 worker calls: kill after about a third of them.
  const watcher = setInterval(() => {
    if (readLabels(before).length >= RUNS * 2 && first.exitCode === null) first.kill('SIGKILL');
  }, 5);
  const exit = await new Promise<{ signal: string | null }>((resolve) =>
    first.on('exit', (_c, signal) => resolve({ signal })),
  );
  clearInterval(watcher);
  assert.equal(exit.signal, 'SIGKILL', `the child finished before the kill: ${stderr}`);

  // What was journaled at the kill: those steps must not run again.
  const store = createSqliteStore({ path: db });
  const journaled = new Set<string>();
  for (const run of await store.listRuns({ limit: 1000 })) {
    for (const entry of (await store.readRunState(run.id))?.journal ?? []) {
      if (entry.name === 'conductor-tasks.work' && entry.ok) journaled.add(JSON.parse(entry.output as string).label);
    }
  }
  await store.close();
  assert.ok(journaled.size > 0, 'some steps were journaled before the kill');

  const second = child(db, afterLog);
  let stderr2 = '';
  second.stderr?.on('data', (d) => {
    stderr2 += d;
  });
  const code = await new Promise<number | null>((resolve) => second.on('exit', (c) => resolve(c)));
  assert.equal(code, 0, stderr2);

  const again = readLabels(afterLog).filter((label) => journaled.has(label));
  assert.deepEqual(again, [], 'journaled steps ran again after the restart');

  const check = createSqliteStore({ path: db });
  try {
    for (let i = 0; i < RUNS; i++) {
      const run = await check.getRun(`run-${i}`);
      assert.equal(run?.status, 'completed', `run-${i}: ${run?.error}`);
      assert.deepEqual(JSON.parse(run?.output as string), {
        thumb: { label: `run-${i}/thumb/0`, from: `run-${i}/encode_720/0` },
        hd: { label: `run-${i}/encode_1080/0`, from: i * 2 },
        captions: { label: `run-${i}/captions/0`, from: `run-${i}/encode_1080/0` },
        last: { label: `run-${i}/publish/3`, from: `run-${i}/thumb/0` },
      });
    }
  } finally {
    await check.close();
  }
});
