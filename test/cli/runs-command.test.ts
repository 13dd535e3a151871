import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { createTutti, defineService, defineWorkflow, NonRetryableError } from '../../src/index.js';
import { tempDbPath } from '../helpers/temp-db.js';

const db = tempDbPath('tutti-cli-');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

before(async () => {
  const svc = defineService('svc', {
    ok: async (n: number) => n + 1,
    boom: async () => {
      throw new NonRetryableError('boom');
    },
  });
  const good = defineWorkflow('good', async (ctx, n: number) => ctx.step(svc.ok, n));
  const bad = defineWorkflow('bad', async (ctx) => ctx.step(svc.boom, undefined));
  const tutti = await createTutti({ store: `sqlite:${db.path}`, services: [svc], workflows: [good, bad] });
  await (await tutti.start(good, 1, { id: 'run-good' })).result();
  await (await tutti.start(bad, null, { id: 'run-bad' })).result().catch(() => {});
  await tutti.close();
});
after(() => db.remove());

test('runs list prints a table, newest first', () => {
  const out = cli('runs', 'list', '--db', db.path);
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split('\n');
  assert.match(lines[0] as string, /^ID\s+WORKFLOW\s+VERSION\s+STATUS/);
  assert.match(lines[1] as string, /^run-bad\s+bad\s+1\s+failed/);
  assert.match(lines[2] as string, /^run-good\s+good\s+1\s+completed/);
});

test('runs list --json and --status filter for scripts', () => {
  const out = cli('runs', 'list', '--db', db.path, '--status', 'completed', '--json');
  assert.equal(out.status, 0, out.stderr);
  const runs = JSON.parse(out.stdout) as { id: string; output: unknown }[];
  assert.deepEqual(
    runs.map((r) => [r.id, r.output]),
    [['run-good', 2]],
  );
});

test('runs show prints the journal and the failure', () => {
  const out = cli('runs', 'show', 'run-bad', '--db', db.path);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /status\s+failed/);
  assert.match(out.stdout, /NonRetryableError: boom/);
  assert.match(out.stdout, /0\s+step\s+svc\.boom\s+failed\s+1/);
  const json = JSON.parse(cli('runs', 'show', 'run-good', '--db', db.path, '--json').stdout);
  assert.deepEqual(
    json.steps.map((s: { name: string; output: unknown }) => [s.name, s.output]),
    [['svc.ok', 2]],
  );
});

test('bad input gets a clear error and exit code 2', () => {
  const missing = cli('runs', 'list', '--db', '/nonexistent/tutti.db');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /no database at '\/nonexistent\/tutti.db'/);
  const unknown = cli('runs', 'show', 'nope', '--db', db.path);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no run with id 'nope'/);
  const status = cli('runs', 'list', '--db', db.path, '--status', 'bogus');
  assert.equal(status.status, 2);
  assert.match(status.stderr, /--status: 'bogus' is not a status/);
});
