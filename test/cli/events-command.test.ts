import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CloudEvent, createEmbeddedBus, toNewEvent } from '../../src/bus/index.js';
import { NonRetryableError } from '../../src/core/errors.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { tempDbPath } from '../helpers/temp-db.js';

const db = tempDbPath('tutti-cli-events-');
const CLI = ['--import', 'tsx', 'src/cli/main.ts'];
const cli = (...args: string[]) => spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });

function event(id: string, type: string, subject: string, data: unknown, time: number): CloudEvent {
  return {
    specversion: '1.0',
    id,
    source: '/test',
    type,
    subject,
    time: new Date(time).toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** Polls `check` every 20 ms until it returns true, failing after `ms`. */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// The log: seq 1..5. 'billing' reads order.placed and dead-letters the orders marked bad (seq 2 and 4).
const T0 = Date.UTC(2025, 0, 1);
const seeded = [
  event('ev-1', 'order.placed', 'o-1', { orderId: 'o-1', total: 10 }, T0),
  event('ev-2', 'order.placed', 'o-2', { orderId: 'o-2', bad: true, note: 'x'.repeat(100) }, T0 + 1000),
  event('ev-3', 'order.shipped', 'o-1', { orderId: 'o-1' }, T0 + 2000),
  event('ev-4', 'order.placed', 'o-3', { orderId: 'o-3', bad: true }, T0 + 3000),
  event('ev-5', 'order.placed', 'o-4', { orderId: 'o-4', total: 5 }, T0 + 4000),
];

before(async () => {
  const store = createSqliteStore({ path: db.path });
  const bus = createEmbeddedBus(store);
  await bus.subscribe({
    name: 'billing',
    types: ['order.placed'],
    from: 'beginning',
    handler: ({ event: e }) => {
      const data = e.data as { orderId: string; bad?: boolean };
      if (data.bad) throw new NonRetryableError(`order ${data.orderId} is bad`, { cause: new Error('no total') });
    },
  });
  await bus.publish(seeded);
  await until(async () => (await store.listDeadLetters()).length === 2, 'two dead letters');
  await bus.close();
  await store.close();
});
after(() => db.remove());

test('events tail prints the last events as a table, oldest first, data truncated', () => {
  const out = cli('events', 'tail', '--db', db.path);
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split('\n');
  assert.equal(lines.length, 6);
  assert.match(lines[0] as string, /^SEQ\s+TIME\s+TYPE\s+SUBJECT\s+ID\s+DATA$/);
  assert.match(
    lines[1] as string,
    /^1\s+2025-01-01T00:00:00\.000Z\s+order\.placed\s+o-1\s+ev-1\s+\{"orderId":"o-1","total":10\}$/,
  );
  assert.match(lines[2] as string, /^2\s+.*ev-2\s+\{"orderId":"o-2","bad":true,"note":"x+…$/);
  assert.equal((lines[2] as string).split('  ').at(-1)?.length, 60);
  assert.match(lines[5] as string, /^5\s+.*ev-5\s/);

  const last2 = cli('events', 'tail', '--db', db.path, '--limit', '2');
  assert.deepEqual(
    last2.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s+/)[0]),
    ['4', '5'],
  );
});

test('events tail --json prints one CloudEvent per line with its seq; --type filters', () => {
  const out = cli('events', 'tail', '--db', db.path, '--json', '--type', 'order.placed', '--limit', '3');
  assert.equal(out.status, 0, out.stderr);
  const events = out.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.deepEqual(
    events.map((e) => [e.seq, e.id, e.type]),
    [
      [2, 'ev-2', 'order.placed'],
      [4, 'ev-4', 'order.placed'],
      [5, 'ev-5', 'order.placed'],
    ],
  );
  assert.deepEqual(events[2], { seq: 5, ...seeded[4] });

  const shipped = cli('events', 'tail', '--db', db.path, '--type', 'order.shipped,nothing.else');
  assert.equal(shipped.status, 0, shipped.stderr);
  assert.match(shipped.stdout, /^SEQ.*\n3\s+\S+\s+order\.shipped\s+o-1\s+ev-3\s/);
  assert.equal(shipped.stdout.trim().split('\n').length, 2);

  const none = cli('events', 'tail', '--db', db.path, '--type', 'nothing.else');
  assert.equal(none.stdout, 'no nothing.else events\n');
});

test('events tail reads a long log in pages and finds a rare type far back', async () => {
  const big = tempDbPath('tutti-cli-big-');
  try {
    const store = createSqliteStore({ path: big.path });
    const events = Array.from({ length: 2500 }, (_, i) =>
      toNewEvent(event(`big-${i + 1}`, i === 2 || i === 2399 ? 'rare' : 'common', 'k', { i }, T0 + i)),
    );
    await store.publish(events);
    await store.close();
    const rare = cli('events', 'tail', '--db', big.path, '--type', 'rare', '--limit', '5', '--json');
    assert.equal(rare.status, 0, rare.stderr);
    const seqs = (out: string) =>
      out
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { seq: number }).seq);
    assert.deepEqual(seqs(rare.stdout), [3, 2400]);
    const many = cli('events', 'tail', '--db', big.path, '--limit', '1200', '--json');
    assert.deepEqual(
      seqs(many.stdout),
      Array.from({ length: 1200 }, (_, i) => 1301 + i),
    );
  } finally {
    big.remove();
  }
});

test('events publish appends a CloudEvent that tail reads back; the same id again publishes nothing', () => {
  const published = cli(
    'events',
    'publish',
    'order.placed',
    '{"orderId":"o-9","total":1}',
    '--key',
    'o-9',
    '--db',
    db.path,
  );
  assert.equal(published.status, 0, published.stderr);
  const [, id] = /^published (\S+) at seq 6\n$/.exec(published.stdout) ?? [];
  assert.ok(id, published.stdout);

  const tail = cli('events', 'tail', '--db', db.path, '--json', '--limit', '1');
  const event = JSON.parse(tail.stdout);
  assert.equal(Date.now() - Date.parse(event.time) < 60_000, true);
  assert.deepEqual(
    { ...event, time: 'now' },
    {
      seq: 6,
      specversion: '1.0',
      id,
      source: '/tutti-cli',
      type: 'order.placed',
      subject: 'o-9',
      time: 'now',
      datacontenttype: 'application/json',
      data: { orderId: 'o-9', total: 1 },
      correlationid: id,
    },
  );

  const again = cli('events', 'publish', 'order.placed', '{}', '--id', id as string, '--db', db.path);
  assert.equal(again.stdout, `already published ${id} at seq 6\n`);
  const own = cli('events', 'publish', 'order.noted', 'null', '--id', 'mine', '--source', '/ops', '--db', db.path);
  assert.equal(own.stdout, 'published mine at seq 7\n');
});

test('events publish refuses bad JSON and bad types with one line and exit code 2', () => {
  const json = cli('events', 'publish', 'order.placed', '{"orderId": }', '--db', db.path);
  assert.equal(json.status, 2);
  assert.match(
    json.stderr,
    /^tutti: <json>: not valid JSON: Unexpected token '}', "\{"orderId": \}" is not valid JSON\n$/,
  );
  const multiline = cli('events', 'publish', 'order.placed', '{\n"a":\n}', '--db', db.path);
  assert.equal(multiline.status, 2);
  assert.match(multiline.stderr, /^tutti: <json>: not valid JSON: [^\n]+\n$/);
  const type = cli('events', 'publish', 'order placed', '{}', '--db', db.path);
  assert.equal(type.status, 2);
  assert.match(type.stderr, /^tutti: <type>: "order placed" is not an event type; use letters, digits.*\n$/);
  const dotFirst = cli('events', 'publish', '.placed', '{}', '--db', db.path);
  assert.equal(dotFirst.status, 2);
  const limit = cli('events', 'tail', '--db', db.path, '--limit', '0');
  assert.equal(limit.status, 2);
  assert.match(limit.stderr, /--limit: '0' must be a whole number >= 1/);
});

test('dlq list prints the dead letters with their last error; --json gives them in full', () => {
  const out = cli('dlq', 'list', '--db', db.path);
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0] as string, /^SUBSCRIPTION\s+SEQ\s+TYPE\s+ATTEMPTS\s+LAST FAILED\s+ERROR$/);
  assert.match(
    lines[1] as string,
    /^billing\s+2\s+order\.placed\s+1\s+\d{4}-\d\d-\d\dT\S+Z\s+NonRetryableError: order o-2 is bad ← Error: no total$/,
  );
  assert.match(lines[2] as string, /^billing\s+4\s+order\.placed\s+1\s/);

  const one = cli('dlq', 'list', '--db', db.path, '--limit', '1');
  assert.match(one.stdout, /\n\(the first 1; --limit <n> for more\)\n$/);
  const other = cli('dlq', 'list', '--db', db.path, '--subscription', 'shipping');
  assert.equal(other.stdout, 'no dead letters\n');

  const json = JSON.parse(cli('dlq', 'list', '--db', db.path, '--type', 'order.placed', '--json').stdout);
  assert.equal(json.length, 2);
  assert.deepEqual(json[1].event, seeded[3]);
  assert.equal(json[1].attempts, 1);
  assert.equal(json[1].error.name, 'NonRetryableError');
  assert.equal(json[1].error.cause.message, 'no total');
  assert.match(json[1].lastFailedAt, /^\d{4}-.*Z$/);
});

test('dlq show prints one dead letter with its error chain, stacks and event', () => {
  const out = cli('dlq', 'show', 'billing', '4', '--db', db.path);
  assert.equal(out.status, 0, out.stderr);
  assert.match(out.stdout, /^dead letter {2}seq 4 of subscription 'billing'\n/);
  assert.match(out.stdout, /\nattempts {5}1\n/);
  assert.match(out.stdout, /\nerror\n {2}NonRetryableError: order o-3 is bad\n {6}at .*events-command\.test\.ts/);
  assert.match(out.stdout, /\n {2}caused by Error: no total\n {6}at /);
  const envelope = out.stdout.slice(out.stdout.indexOf('\nevent\n') + '\nevent\n'.length);
  assert.deepEqual(JSON.parse(envelope), seeded[3]);

  const json = JSON.parse(cli('dlq', 'show', 'billing', '2', '--db', db.path, '--json').stdout);
  assert.equal(json.event.id, 'ev-2');
  assert.match(json.error.stack, /order o-2 is bad/);

  const unknown = cli('dlq', 'show', 'billing', '5', '--db', db.path);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr, "tutti: no dead letter 5 in subscription 'billing'; list them with `tutti dlq list`\n");
  const badSeq = cli('dlq', 'show', 'billing', 'four', '--db', db.path);
  assert.equal(badSeq.status, 2);
  assert.match(badSeq.stderr, /<seq>: 'four' must be a whole number >= 1/);
});

test('dlq redrive needs a filter or --all, then moves the dead letters back to retrying', async () => {
  const bare = cli('dlq', 'redrive', '--db', db.path);
  assert.equal(bare.status, 2);
  assert.match(bare.stderr, /^tutti: dlq redrive: say which dead letters: .*--all for every one\n$/);
  const both = cli('dlq', 'redrive', '--all', '--type', 'order.placed', '--db', db.path);
  assert.equal(both.status, 2);

  const one = cli('dlq', 'redrive', '--seq', '4', '--subscription', 'billing', '--db', db.path);
  assert.equal(one.status, 0, one.stderr);
  assert.match(one.stdout, /^redriven 1 dead letter\(s\); running subscribers pick them up within their poll interval/);
  assert.match(cli('dlq', 'list', '--db', db.path).stdout, /\nbilling\s+2\s[^\n]*\n$/);

  const rest = cli('dlq', 'redrive', '--all', '--db', db.path);
  assert.match(rest.stdout, /^redriven 1 dead letter\(s\)/);
  assert.equal(cli('dlq', 'list', '--db', db.path).stdout, 'no dead letters\n');

  const store = createSqliteStore({ path: db.path });
  try {
    const parked = await store.readParked('billing');
    assert.deepEqual(
      parked.map((p) => [p.seq, p.state, p.attempts]),
      [
        [2, 'retrying', 0],
        [4, 'retrying', 0],
      ],
    );
  } finally {
    await store.close();
  }
});

test('a missing database is an error with exit code 2, for every command', () => {
  for (const args of [
    ['events', 'tail'],
    ['events', 'publish', 'order.placed', '{}'],
    ['dlq', 'list'],
    ['dlq', 'show', 'billing', '2'],
    ['dlq', 'redrive', '--all'],
  ]) {
    const out = cli(...args, '--db', '/nonexistent/tutti.db');
    assert.equal(out.status, 2, args.join(' '));
    assert.equal(out.stderr, "tutti: no database at '/nonexistent/tutti.db'; pass --db <file> or set TUTTI_DB\n");
  }
});

test('events tail --follow prints events as they are published and exits cleanly on SIGINT', async () => {
  const child = spawn(process.execPath, [...CLI, 'events', 'tail', '--follow', '--limit', '1', '--db', db.path]);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    await until(() => stdout.includes('\n'), 'the last event before following', 20_000);
    const store = createSqliteStore({ path: db.path });
    try {
      await store.publish([toNewEvent(event('ev-live', 'order.placed', 'o-5', { live: true }, Date.now()))]);
    } finally {
      await store.close();
    }
    await until(() => stdout.includes('ev-live'), 'the published event on stdout');
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    const lines = stdout.trim().split('\n');
    assert.match(lines[0] as string, /^SEQ\s+TIME/);
    const before = Number((lines[1] as string).split(/\s+/)[0]);
    assert.match(lines[2] as string, /^\d+\s+\S+\s+order\.placed\s+o-5\s+ev-live\s+\{"live":true\}$/);
    assert.equal(Number((lines[2] as string).split(/\s+/)[0]), before + 1);
    assert.equal(lines.length, 3);
  } finally {
    child.kill('SIGKILL');
  }
});
