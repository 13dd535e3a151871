/**
 * `npm run bench`: prints W1 for each configuration, each run `--repeat` times (default 3) in
 * this process; the table shows the median of the repeats, one row per configuration, so ratios
 * between rows come from one run on one machine.
 *
 *   npm run bench                     all configurations, 3 repeats
 *   npm run bench -- --repeat 5 --only sqlite-strict
 */
import os from 'node:os';
import { runW1, type W1Result, type W1Settings } from './w1.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? undefined : args[i + 1];
};
const repeat = Number(flag('repeat') ?? 3);
const only = flag('only');

const base = { concurrent: 2000, sequential: 200 } as const;
const configurations: [string, W1Settings][] = [
  ['sqlite-strict', { ...base, store: 'sqlite', durability: 'strict', synchronous: 'FULL' }],
  ['sqlite-pipelined', { ...base, store: 'sqlite', durability: 'pipelined', synchronous: 'FULL' }],
  ['sqlite-strict-normal', { ...base, store: 'sqlite', durability: 'strict', synchronous: 'NORMAL' }],
  ['memory-strict', { ...base, store: 'memory', durability: 'strict', synchronous: 'OFF' }],
];

console.log(`W1: ${base.concurrent} concurrent + ${base.sequential} sequential 3-step workflows; median of ${repeat}`);
console.log(`node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${os.platform()}`);
console.log('sqlite: WAL, one group-committed transaction per batch; synchronous FULL = fsync per commit\n');

const rows: string[][] = [['configuration', 'workflows/s', 'steps/s', 'p50 ms', 'p99 ms']];
for (const [name, settings] of configurations) {
  if (only && name !== only) continue;
  const results: W1Result[] = [];
  for (let i = 0; i < repeat; i++) results.push(await runW1(settings));
  const med = (pick: (r: W1Result) => number) => median(results.map(pick));
  rows.push([
    name,
    med((r) => r.workflowsPerSec).toFixed(0),
    med((r) => r.stepsPerSec).toFixed(0),
    med((r) => r.p50Ms).toFixed(3),
    med((r) => r.p99Ms).toFixed(3),
  ]);
  console.log(
    `  ${name}: ${results.map((r) => `${r.workflowsPerSec.toFixed(0)} wf/s p50 ${r.p50Ms.toFixed(3)}`).join(' | ')}`,
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
