/**
 * `npm run bench`: prints W1 for each configuration, each run `--repeat` times (default 5) in
 * this process; the table shows the median of the repeats, one row per configuration, so ratios
 * between rows come from one run on one machine.
 *
 *   npm run bench                     all configurations, 5 repeats, round robin
 *   npm run bench -- --repeat 9 --only sqlite-strict
 */
import os from 'node:os';
import { runW1, type W1Result, type W1Settings } from './w1.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const repeat = Number(flag('repeat') ?? 5);
const only = flag('only');

const base = { concurrent: 2000, sequential: 200 } as const;
const sqlite = { ...base, store: 'sqlite', synchronous: 'FULL', writer: 'thread' } as const;
const configurations: [string, W1Settings][] = [
  ['sqlite-strict', { ...sqlite, durability: 'strict' }],
  ['sqlite-pipelined', { ...sqlite, durability: 'pipelined' }],
  ['sqlite-strict-inline', { ...sqlite, durability: 'strict', writer: 'inline' }],
  ['sqlite-strict-normal', { ...sqlite, durability: 'strict', synchronous: 'NORMAL' }],
  ['memory-strict', { ...base, store: 'memory', durability: 'strict', synchronous: 'OFF', writer: 'inline' }],
];

console.log(`W1: ${base.concurrent} concurrent + ${base.sequential} sequential 3-step workflows; median of ${repeat}`);
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${os.platform()}`);
console.log('sqlite: WAL, one group-committed transaction per batch; synchronous FULL = fsync per commit;');
console.log('writer thread = batches applied on a worker thread (the default), inline = on the engine thread\n');

// Round robin (every configuration once, then again): the machine's noise drifts over time, so
// each configuration's repeats are spread across the whole run instead of one stretch of it.
const selected = configurations.filter(([name]) => !only || name === only);
const results = new Map<string, W1Result[]>(selected.map(([name]) => [name, []]));
for (let i = 0; i < repeat; i++) {
  for (const [name, settings] of selected) results.get(name)?.push(await runW1(settings));
}
const rows: string[][] = [['configuration', 'workflows/s', 'steps/s', 'p50 ms', 'p99 ms']];
for (const [name, runs] of results) {
  const med = (pick: (r: W1Result) => number) => median(runs.map(pick));
  rows.push([
    name,
    med((r) => r.workflowsPerSec).toFixed(0),
    med((r) => r.stepsPerSec).toFixed(0),
    med((r) => r.p50Ms).toFixed(3),
    med((r) => r.p99Ms).toFixed(3),
  ]);
  console.log(
    `  ${name}: ${runs.map((r) => `${r.workflowsPerSec.toFixed(0)} wf/s p50 ${r.p50Ms.toFixed(3)}`).join(' | ')}`,
  );
}
console.log(`\n${table(rows)}`);

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
