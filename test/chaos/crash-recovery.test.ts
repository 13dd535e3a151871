/**
 * Durable means durable: SIGKILL a process in the middle of many runs, start it again, and check
 * that every run completes with the right result and that no step whose completion had been
 * recorded ran again.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const RUNS = 40;
const dir = mkdtempSync(join(tmpdir(), 'tutti-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function child(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/chaos/crash-child.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('a SIGKILLed engine resumes every run; recorded steps never run again', { timeout: 60_000 }, async (t) => {
  const db = join(dir, 'crash.db');
  const effects = join(dir, 'effects.log');

  // 1. Start RUNS runs and kill the process once about a third of the steps have completed.
  const first = child([db, effects, 'start', String(RUNS)]);
  let completed = 0;
  let stderr = '';
  first.stderr?.on('data', (d) => {
    stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    first.stdout?.on('data', (chunk: Buffer) => {
      completed += chunk
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('completed')).length;
      if (completed >= RUNS && first.exitCode === null) first.kill('SIGKILL');
    });
    first.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited (${code}) before the kill: ${stderr}`)),
    );
  });

  // 2. What the store holds at the moment of the crash.
  const store = createSqliteStore({ path: db });
  const before = await store.listRuns({ limit: 10_000 });
  const recordedBefore = new Map<string, Set<string>>();
  for (const run of before) {
    const state = await store.readRunState(run.id);
    recordedBefore.set(run.id, new Set(state?.journal.filter((e) => e.kind === 'step').map((e) => e.name)));
  }
  await store.close();
  const unfinished = before.filter((r) => r.status !== 'completed');
  assert.ok(unfinished.length > 0, 'the kill must land while runs are in flight');
  assert.ok(
    [...recordedBefore.values()].some((s) => s.size > 0),
    'some steps must be recorded before the kill',
  );
  const effectsBefore = readFileSync(effects, 'utf8');
  const recordedSteps = [...recordedBefore.values()].reduce((n, s) => n + s.size, 0);
  t.diagnostic(
    `at the kill: ${before.length} runs stored, ${unfinished.length} unfinished, ${recordedSteps} steps recorded`,
  );

  // 3. Restart: every run that was started must complete.
  const second = child([db, effects, 'resume']);
  let out = '';
  second.stdout?.on('data', (d) => {
    out += d;
  });
  second.stderr?.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise((resolve) => second.on('exit', resolve));
  assert.equal(code, 0, `resume failed: ${stderr}`);
  const summaryLine = out.trim().split('\n').at(-1) as string;
  const summary = JSON.parse(summaryLine) as {
    failed: number;
    runs: { id: string; status: string; output: unknown }[];
  };
  assert.equal(summary.failed, 0);
  assert.equal(summary.runs.length, before.length, 'no run may be lost');
  for (const run of summary.runs) {
    const n = Number(run.id.slice('run-'.length));
    assert.equal(run.status, 'completed', `${run.id} completed`);
    assert.deepEqual(run.output, { packed: `box-${n * 2 + 1}`, at: true });
  }

  // 4. Steps recorded before the kill ran exactly once in all; every step ran at least once.
  const executions = new Map<string, number>();
  for (const line of readFileSync(effects, 'utf8').trim().split('\n')) {
    const [runId, step] = line.split(' ');
    const key = `${runId} mill.${step}`;
    executions.set(key, (executions.get(key) ?? 0) + 1);
  }
  for (const [runId, steps] of recordedBefore) {
    for (const step of steps) assert.equal(executions.get(`${runId} ${step}`), 1, `${runId} ${step} ran again`);
    for (const step of ['mill.grind', 'mill.press', 'mill.pack']) {
      assert.ok((executions.get(`${runId} ${step}`) ?? 0) >= 1, `${runId} ${step} ran`);
    }
  }
  assert.ok(readFileSync(effects, 'utf8').length > effectsBefore.length, 'the resumed process did work');

  // 5. The outbox: every run's event is in the log exactly once, with its journal entry.
  const after = createSqliteStore({ path: db });
  const pressed = await after.readEvents({ types: ['mill.pressed'], limit: 10_000 });
  const emitted = await Promise.all(
    summary.runs.map(async (run) => (await after.readRunState(run.id))?.journal.find((e) => e.kind === 'emit')),
  );
  await after.close();
  assert.deepEqual(
    pressed.map((e) => e.subject).sort(),
    summary.runs.map((r) => r.id).sort(),
    'one event per run, none lost, none twice',
  );
  assert.deepEqual(
    pressed.map((e) => e.id).sort(),
    emitted.map((e) => JSON.parse(e?.output ?? 'null')).sort(),
    'each event is the one its journal entry names',
  );
});
