/**
 * `npm run bench`: prints W1 (workflows) and W2 (events) for each configuration, each run
 * `--repeat` times (default 5) in this process; the tables show the median of the repeats, one
 * row per configuration, so ratios between rows come from one run on one machine.
 *
 *   npm run bench                                  both workloads, 5 repeats, round robin
 *   npm run bench -- --workload w2 --repeat 3
 *   npm run bench -- --repeat 9 --only sqlite-strict
 *   npm run bench -- --workload w1 --only http-stream   (steps on a worker in a second process, over HTTP)
 */
import os from 'node:os';
import { runW1, type W1Settings } from './w1.js';
import { runW1Http, type W1HttpSettings } from './w1-http.js';
import { runW2, type W2Settings } from './w2.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const repeat = Number(flag('repeat') ?? 5);
const only = flag('only');
const workload = flag('workload') ?? 'all';

/** A column of a table: its heading, how to read it from a result, and its decimals. */
type Column<R> = [heading: string, pick: (result: R) => number, decimals: number];

console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${os.platform()}`);
console.log('sqlite: WAL, one group-committed transaction per batch; synchronous FULL = fsync per commit;');
console.log('writer thread = batches applied on a worker thread (the default), inline = on the calling thread');

if (workload === 'all' || workload === 'w1') {
  const base = { concurrent: 2000, sequential: 200 } as const;
  const sqlite = { ...base, store: 'sqlite', synchronous: 'FULL', writer: 'thread' } as const;
  await bench<
    W1Settings | (Omit<W1HttpSettings, 'transport'> & { remote: W1HttpSettings['transport'] }),
    Awaited<ReturnType<typeof runW1>>
  >(
    `W1: ${base.concurrent} concurrent + ${base.sequential} sequential 3-step workflows`,
    [
      ['sqlite-strict', { ...sqlite, durability: 'strict' }],
      ['sqlite-pipelined', { ...sqlite, durability: 'pipelined' }],
      ['sqlite-strict-inline', { ...sqlite, durability: 'strict', writer: 'inline' }],
      ['sqlite-strict-normal', { ...sqlite, durability: 'strict', synchronous: 'NORMAL' }],
      ['memory-strict', { ...base, store: 'memory', durability: 'strict', synchronous: 'OFF', writer: 'inline' }],
      ['http-stream', { ...base, remote: 'stream' }],
      ['http-poll', { ...base, remote: 'poll' }],
    ],
    (settings) => ('remote' in settings ? runW1Http({ ...settings, transport: settings.remote }) : runW1(settings)),
    [
      ['workflows/s', (r) => r.workflowsPerSec, 0],
      ['steps/s', (r) => r.stepsPerSec, 0],
      ['p50 ms', (r) => r.p50Ms, 3],
      ['p99 ms', (r) => r.p99Ms, 3],
    ],
  );
}

if (workload === 'all' || workload === 'w2') {
  const base = { events: 100_000, publishBatch: 1000, publishersInFlight: 4, rate: 1000, latencyEvents: 2000 };
  const sqlite = { ...base, store: 'sqlite', synchronous: 'FULL', writer: 'thread' } as const;
  await bench<W2Settings, Awaited<ReturnType<typeof runW2>>>(
    `W2: ${base.events} events of ~200 bytes, 2 subscriptions consuming all; latency at ${base.rate} events/s`,
    [
      ['bus-sqlite', sqlite],
      ['bus-sqlite-inline', { ...sqlite, writer: 'inline' }],
      ['bus-memory', { ...base, store: 'memory', synchronous: 'OFF', writer: 'inline' }],
    ],
    runW2,
    [
      ['events/s (to both)', (r) => r.eventsPerSec, 0],
      ['p50 ms', (r) => r.p50Ms, 3],
      ['p99 ms', (r) => r.p99Ms, 3],
    ],
  );
}

/**
 * Runs each configuration `repeat` times, round robin (every configuration once, then again):
 * the machine's noise drifts over time, so each configuration's repeats spread over the whole run.
 */
async function bench<S, R>(
  title: string,
  configurations: [string, S][],
  run: (settings: S) => Promise<R>,
  columns: Column<R>[],
): Promise<void> {
  console.log(`\n${title}; median of ${repeat}`);
  const selected = configurations.filter(([name]) => !only || name === only);
  const results = new Map<string, R[]>(selected.map(([name]) => [name, []]));
  for (let i = 0; i < repeat; i++) {
    for (const [name, settings] of selected) results.get(name)?.push(await run(settings));
  }
  const rows: string[][] = [['configuration', ...columns.map(([heading]) => heading)]];
  for (const [name, runs] of results) {
    rows.push([name, ...columns.map(([, pick, decimals]) => median(runs.map(pick)).toFixed(decimals))]);
    const [heading, pick, decimals] = columns[0] as Column<R>;
    console.log(`  ${name}: ${runs.map((r) => `${pick(r).toFixed(decimals)} ${heading}`).join(' | ')}`);
  }
  console.log(`\n${table(rows)}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function table(data: string[][]): string {
  const widths = data[0]?.map((_, c) => Math.max(...data.map((row) => (row[c] ?? '').length))) ?? [];
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [line(data[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...data.slice(1).map(line)].join(
    '\n',
  );
}
