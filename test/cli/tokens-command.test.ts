import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { verifyToken } from '../../src/server/tokens.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { tempDbPath } from '../helpers/temp-db.js';

const db = tempDbPath('tutti-cli-tokens-');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--db', db.path], { encoding: 'utf8' });
after(() => db.remove());

/** The id part of a token's text (`tutti_<id>_<secret>`). */
const idOf = (token: string) => token.split('_')[1] as string;

/** What verifyToken says of `token` in the test's database. */
async function verify(token: string) {
  const store = createSqliteStore({ path: db.path });
  try {
    return await verifyToken(store, token);
  } finally {
    await store.close();
  }
}

test('tokens create prints the token alone on stdout, once; it verifies in its namespace', async () => {
  const out = cli('tokens', 'create', '--namespace', 'shop', '--name', 'ci');
  assert.equal(out.status, 0, out.stderr);
  const token = out.stdout.trim();
  assert.match(out.stdout, /^tutti_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\n$/);
  const id = idOf(token);
  assert.equal(
    out.stderr,
    `created token ${id} in namespace 'shop': keep it now, it cannot be shown again (revoke it with \`tutti tokens revoke ${id}\`)\n`,
  );
  assert.deepEqual(await verify(token), { id, namespace: 'shop' });
});

test('tokens list shows ids, namespaces and names, never a secret or hash; revoke stops a token', async () => {
  const shop = cli('tokens', 'create', '--namespace', 'shop').stdout.trim();
  const billing = cli('tokens', 'create', '--namespace', 'billing-eu', '--name', 'invoices').stdout.trim();
  const shopId = idOf(shop);
  const billingId = idOf(billing);
  const secrets = [shop, billing].map((token) => token.split('_').slice(2).join('_'));

  const table = cli('tokens', 'list');
  assert.equal(table.status, 0, table.stderr);
  const lines = table.stdout.trim().split('\n');
  assert.match(lines[0] as string, /^ID +NAMESPACE +NAME +CREATED +REVOKED$/);
  assert.ok(lines.some((line) => new RegExp(`^${billingId} +billing-eu +invoices +\\d{4}-.*Z +-$`).test(line)));
  const json = cli('tokens', 'list', '--json', '--namespace', 'billing-eu');
  assert.deepEqual(
    JSON.parse(json.stdout).map((t: any) => Object.keys(t)),
    [['id', 'namespace', 'name', 'createdAt', 'revokedAt']],
  );
  assert.equal(JSON.parse(json.stdout)[0].id, billingId);
  for (const secret of secrets) {
    assert.ok(!table.stdout.includes(secret) && !json.stdout.includes(secret));
  }
  assert.doesNotMatch(table.stdout + json.stdout, /[0-9a-f]{64}/);

  const revoked = cli('tokens', 'revoke', shopId);
  assert.equal(revoked.status, 0, revoked.stderr);
  assert.equal(revoked.stdout, `revoked token ${shopId}\n`);
  assert.equal(await verify(shop), undefined);
  assert.deepEqual(await verify(billing), { id: billingId, namespace: 'billing-eu' });
  const again = cli('tokens', 'revoke', shopId);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, new RegExp(`^token ${shopId} was revoked already, at \\d{4}-.*Z\\n$`));
  const row = cli('tokens', 'list', '--namespace', 'shop')
    .stdout.split('\n')
    .find((l) => l.startsWith(shopId));
  assert.match(row ?? '', /Z +\d{4}-.*Z$/);
});

test('a bad namespace or an unknown id exits 2 with one clear line, and writes nothing', () => {
  const before = cli('tokens', 'list', '--json').stdout;
  const bad = cli('tokens', 'create', '--namespace', 'Shop_EU');
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, '');
  assert.equal(
    bad.stderr,
    "tutti: namespace (--namespace) 'Shop_EU' is not valid: use 1 to 63 lower-case letters, digits and '-', " +
      'starting with a letter or digit (e.g. shop, billing-eu)\n',
  );
  assert.equal(cli('tokens', 'list', '--json').stdout, before);

  const unknown = cli('tokens', 'revoke', '000000000000');
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, "tutti: no token with id '000000000000'; see `tutti tokens list`\n");
});
