/**
 * Durable means durable, for the bus: SIGKILL a process while it publishes and consumes, start
 * it again, and check that every published event reaches both subscriptions, that no event a
 * subscription had acknowledged durably is delivered to it again, and that each key's events
 * arrive in order.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const EVENTS = 600;
const dir = mkdtempSync(join(tmpdir(), 'tutti-bus-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function child(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/chaos/bus-crash-child.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface Delivered {
  subscription: string;
  seq: number;
  key: string;
}

function readDeliveries(path: string): Delivered[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [subscription, seq, key] = line.split(' ') as [string, string, string];
      return { subscription, seq: Number(seq), key };
    });
}

test('a SIGKILLed bus loses no event, redelivers nothing acknowledged, keeps key order', {
  timeout: 90_000,
}, async (t) => {
  const db = join(dir, 'bus.db');
  const before = join(dir, 'deliveries-before.log');
  const afterLog = join(dir, 'deliveries-after.log');
  const published = join(dir, 'published.log');

  // 1. Publish and consume; kill once a good part has been delivered, mid-stream.
  const first = child([db, before, published, 'publish', String(EVENTS)]);
  let stderr = '';
  first.stderr?.on('data', (d) => {
    stderr += d;
  });
  const watcher = setInterval(() => {
    if (readDeliveries(before).length >= EVENTS / 2 && first.exitCode === null) first.kill('SIGKILL');
  }, 5);
  const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    first.on('exit', (code, signal) => resolve({ code, signal })),
  );
  clearInterval(watcher);
  assert.equal(exit.signal, 'SIGKILL', `the child finished before the kill: ${stderr}`);

  // 2. What was durable at the kill: the events in the log, and what each subscription committed.
  const store = createSqliteStore({ path: db });
  const logged = (await store.readEvents({ limit: 100_000 })).map((e) => e.seq);
  const committed = new Map<string, (seq: number) => boolean>();
  for (const name of ['billing', 'audit']) {
    const s = await store.getSubscription(name);
    const above = new Set(s?.ackedAbove);
    const parked = new Set((await store.readParked(name)).map((p) => p.seq));
    committed.set(name, (seq) => !parked.has(seq) && (seq <= (s?.position ?? 0) || above.has(seq)));
  }
  await store.close();
  const confirmed = readFileSync(published, 'utf8').split('\n').filter(Boolean).map(Number);
  assert.ok(logged.length < EVENTS, 'the kill must land while publishing');
  assert.ok(
    confirmed.every((seq) => logged.includes(seq)),
    'every confirmed publish is in the log',
  );
  t.diagnostic(`at the kill: ${logged.length} events logged, ${readDeliveries(before).length} deliveries done`);

  // 3. Restart and consume the rest.
  const second = child([db, afterLog, published, 'consume']);
  second.stderr?.on('data', (d) => {
    stderr += d;
  });
  const code = await new Promise((resolve) => second.on('exit', resolve));
  assert.equal(code, 0, `restart failed: ${stderr}`);

  const pre = readDeliveries(before);
  const post = readDeliveries(afterLog);
  for (const name of ['billing', 'audit']) {
    const got = new Set([...pre, ...post].filter((d) => d.subscription === name).map((d) => d.seq));
    const missing = logged.filter((seq) => !got.has(seq));
    assert.deepEqual(missing, [], `${name}: every logged event delivered`);
    const isCommitted = committed.get(name) as (seq: number) => boolean;
    const again = post.filter((d) => d.subscription === name && isCommitted(d.seq));
    assert.deepEqual(again, [], `${name}: nothing acknowledged durably is delivered again`);
    for (const deliveries of [pre, post]) {
      const lastByKey = new Map<string, number>();
      for (const d of deliveries.filter((x) => x.subscription === name)) {
        assert.ok((lastByKey.get(d.key) ?? 0) < d.seq, `${name}: key ${d.key} out of order at seq ${d.seq}`);
        lastByKey.set(d.key, d.seq);
      }
    }
  }
});
