/**
 * `--events <module>`: the loader takes an array or an object of contracts (default or `events`
 * export, JavaScript or TypeScript) and refuses anything else saying what to export; `tutti dev
 * --events … --strict-events` validates what POST /v1/events receives.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadEventContracts } from '../../src/cli/events-module.js';
import { ConfigError } from '../../src/core/errors.js';
import { serving } from '../helpers/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tutti-events-module-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The modules live outside the repository: they import the library and TypeBox by URL.
const imports = [
  `import Type from '${import.meta.resolve('typebox')}';`,
  `import { defineEvent } from '${pathToFileURL(resolve('src/contracts/event-contract.ts')).href}';`,
  "const OrderPlaced = defineEvent('order.placed', Type.Object({ orderId: Type.String(), total: Type.Number() }));",
  "const OrderPlacedV2 = defineEvent('order.placed', Type.Object({ orderId: Type.String(), total: Type.Number(), currency: Type.String() }), { version: 2 });",
].join('\n');

function moduleFile(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${imports}\n${body}\n`);
  return path;
}

test('loads the contracts of a default export (array or object) or of an `events` export, JavaScript or TypeScript', async () => {
  const cases: [string, string][] = [
    ['array.mjs', 'export default [OrderPlaced, OrderPlacedV2];'],
    ['object.mjs', 'export default { OrderPlaced, OrderPlacedV2 };'],
    ['named.mjs', 'export const events = [OrderPlaced, OrderPlacedV2];'],
    ['typed.ts', 'const all: unknown[] = [OrderPlaced, OrderPlacedV2];\nexport default all;'],
  ];
  for (const [name, body] of cases) {
    const contracts = await loadEventContracts(moduleFile(name, body));
    assert.deepEqual(
      contracts.map((c) => `${c.type} v${c.version}`),
      ['order.placed v1', 'order.placed v2'],
      name,
    );
    assert.throws(() => contracts[0]!.validate({ orderId: 'o-1' }), /'total' is missing/, `${name}: real contracts`);
  }
});

test('a module that does not export contracts is a ConfigError saying what to export', async () => {
  const what = "must export \\(as default or as 'events'\\) an array of event contracts made with defineEvent";
  const cases: [string, string, RegExp][] = [
    ['none.mjs', 'export const other = 1;', new RegExp(`${what}.*; it exports neither$`)],
    ['empty.mjs', 'export default [];', new RegExp(`${what}.*; it exports no contract$`)],
    [
      'schema.mjs',
      'export default [OrderPlaced, Type.Object({ id: Type.String() })];',
      new RegExp(`${what}.*; its export\\[1\\] is an object, not a contract$`),
    ],
    [
      'function.mjs',
      'export default { OrderPlaced, make: () => OrderPlaced };',
      /; its export\.make is a function, not a contract$/,
    ],
    ['string.mjs', "export default 'order.placed';", /; it exports no contract$/],
  ];
  for (const [name, body, message] of cases) {
    const path = moduleFile(name, body);
    await assert.rejects(loadEventContracts(path), (error: unknown) => {
      assert.ok(error instanceof ConfigError, `${name}: ${String(error)}`);
      assert.ok(error.message.startsWith(`--events: '${path}' `), error.message);
      assert.match(error.message, message, name);
      return true;
    });
  }
  await assert.rejects(loadEventContracts(join(dir, 'missing.mjs')), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^--events: cannot load '.*missing\.mjs': /);
    return true;
  });
});

test('tutti dev --events --strict-events validates ingress; a bad module, or --strict-events alone, exits 2 with one line', {
  timeout: 60_000,
}, async () => {
  const bad = moduleFile('bad.mjs', 'export default { OrderPlaced: Type.Object({}) };');
  const refused = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'server', '--events', bad], {
    encoding: 'utf8',
  });
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /^tutti: --events: '.*bad\.mjs' must export/);
  assert.equal(refused.stderr.trim().split('\n').length, 1, refused.stderr);
  const alone = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'dev', '--strict-events'], {
    encoding: 'utf8',
  });
  assert.equal(alone.status, 2, alone.stderr);
  assert.match(alone.stderr, /^tutti: --strict-events: give --events <module> too/);

  const good = moduleFile('good.mjs', 'export default [OrderPlaced];');
  await serving(['dev', '--port', '0', '--events', good, '--strict-events'], async (url) => {
    const post = async (type: string, data: unknown) => {
      const response = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({ specversion: '1.0', id: `e-${type}`, source: '/test', type, data }),
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const invalid = await post('order.placed', { orderId: 'o-1', total: 'lots' });
    assert.equal(invalid.status, 400, JSON.stringify(invalid.body));
    assert.equal(invalid.body.error.issues[0].path, 'data.total');
    const unknown = await post('invoice.due', {});
    assert.equal(unknown.status, 400, JSON.stringify(unknown.body));
    assert.match(unknown.body.error.message, /^type: no contract for event type 'invoice.due'.*: order\.placed$/);
    assert.equal((await post('order.placed', { orderId: 'o-1', total: 3 })).status, 202);
  });
});
