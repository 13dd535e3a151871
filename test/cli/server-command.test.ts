/**
 * `tutti server` and `tutti dev` as processes: the dev server answers without a token, the real
 * one asks for one, and options that name what is not available yet are refused with one line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { serving } from '../helpers/cli-process.js';
import { tempDbPath } from '../helpers/temp-db.js';

const db = tempDbPath('tutti-server-command-');
after(() => db.remove());
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' });

test('tutti dev serves without tokens; tutti server asks for one', { timeout: 60_000 }, async () => {
  await serving(['dev', '--port', '0'], async (url) => {
    assert.equal((await fetch(`${url}/v1/runs`)).status, 200);
  });
  await serving(['server', '--port', '0', '--db', db.path], async (url) => {
    assert.equal((await fetch(`${url}/v1/health`)).status, 200);
    assert.equal((await fetch(`${url}/v1/runs`)).status, 401);
  });
});

test('refuses stores, buses and hosts it cannot serve safely, in one line, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [
      ['server', '--store', 'postgres://localhost/tutti'],
      /^tutti: --store: 'postgres:\/\/localhost\/tutti' is not available; use 'sqlite:<file>'/,
    ],
    [['server', '--bus', 'nats'], /^tutti: --bus: 'nats' is not available yet; use 'embedded'/],
    [['server', '--store', 'sqlite:a.db', '--db', 'b.db'], /^tutti: --store and --db name the same thing/],
    [['server', '--no-auth', '--host', '0.0.0.0'], /^tutti: --no-auth: refused with --host 0\.0\.0\.0/],
  ];
  for (const [args, message] of cases) {
    const result = cli(...args);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});
