/**
 * W1: 3-step workflows on a fresh store.
 * - throughput: `concurrent` runs started at once; workflows/s and steps/s from first start to last result.
 * - latency: `sequential` runs one after another; p50/p99 of start → result.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Durability, Store, Tutti, WorkflowDefinition } from '../src/index.js';
import type { SqliteWriterMode } from '../src/store/sqlite/index.js';

import { memoryStore, sqliteStore, tutti } from './built.js';

const { createTutti, defineService, defineWorkflow } = tutti;
const { createMemoryStore } = memoryStore;
const { createSqliteStore } = sqliteStore;

export interface W1Settings {
  store: 'sqlite' | 'memory';
  durability: Durability;
  synchronous: 'FULL' | 'NORMAL' | 'OFF';
  writer: SqliteWriterMode;
  concurrent: number;
  sequential: number;
}

export interface W1Result {
  workflowsPerSec: number;
  stepsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

const svc = defineService(
  'bench',
  {
    a: async (n: number) => n + 1,
    b: async (n: number) => n * 2,
    c: async (n: number) => ({ value: n }),
  },
  { concurrency: 10_000 },
);

const threeSteps = defineWorkflow('w1', async (ctx, n: number) => {
  const a = await ctx.step(svc.a, n);
  const b = await ctx.step(svc.b, a);
  return ctx.step(svc.c, b);
});

function openBenchStore(settings: W1Settings, file: string): Store {
  if (settings.store === 'memory') return createMemoryStore();
  return createSqliteStore({ path: file, synchronous: settings.synchronous, writer: settings.writer });
}

export async function runW1(settings: W1Settings): Promise<W1Result> {
  const file = join(tmpdir(), `tutti-w1-${process.pid}-${Date.now()}.db`);
  const tutti = await createTutti({
    store: openBenchStore(settings, file),
    services: [svc],
    workflows: [threeSteps],
    durability: settings.durability,
  });
  try {
    return await measureW1(tutti, threeSteps, settings);
  } finally {
    await tutti.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

/** The measurement itself, on any Tutti instance that runs `workflow` (in process or over HTTP). */
export async function measureW1(
  tutti: Tutti,
  workflow: WorkflowDefinition<number, unknown>,
  settings: { concurrent: number; sequential: number },
): Promise<W1Result> {
  // Warm up as a long-running process is: the JIT of both threads (engine and SQLite writer)
  // and the page cache. The WAL has not wrapped yet, so commits still grow the file (slower).
  await Promise.all(
    Array.from({ length: settings.concurrent }, async (_, i) => (await tutti.start(workflow, i)).result()),
  );

  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: settings.concurrent }, async (_, i) => (await tutti.start(workflow, i)).result()),
  );
  const seconds = (performance.now() - t0) / 1000;

  const latencies: number[] = [];
  for (let i = 0; i < settings.sequential; i++) {
    const start = performance.now();
    await (await tutti.start(workflow, i)).result();
    latencies.push(performance.now() - start);
  }
  latencies.sort((a, b) => a - b);
  return {
    workflowsPerSec: settings.concurrent / seconds,
    stepsPerSec: (settings.concurrent * 3) / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}
