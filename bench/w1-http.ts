/**
 * W1 over HTTP: the same 3-step workflows, with the steps run by a worker in a second process
 * (`tutti/client`, w1-worker.ts) that the server hands tasks to over HTTP (a pushed task stream,
 * or long-polls). The server runs in this process on a SQLite file, durability 'strict', as the
 * in-process sqlite-strict row does; runs are started in process, so the figure is the cost of
 * remote steps: enqueue, claim, the HTTP round trips, the report, the journal.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tutti } from './built.js';
import { measureW1, type W1Result } from './w1.js';

const { defineWorkflow, remoteService } = tutti;
const server = (await import(
  new URL('../dist/server/server.js', import.meta.url).href
)) as typeof import('../src/server/server.js');

export interface W1HttpSettings {
  transport: 'stream' | 'poll';
  concurrent: number;
  sequential: number;
}

const bench = remoteService<{
  a: (n: number) => number;
  b: (n: number) => number;
  c: (n: number) => { value: number };
}>('bench', ['a', 'b', 'c']);
const threeSteps = defineWorkflow('w1-remote', async (ctx, n: number) => {
  const a = await ctx.step(bench.a, n);
  const b = await ctx.step(bench.b, a);
  return ctx.step(bench.c, b);
});

export async function runW1Http(settings: W1HttpSettings): Promise<W1Result> {
  const file = join(tmpdir(), `tutti-w1http-${process.pid}-${Date.now()}.db`);
  const running = await server.startServer({
    db: file,
    port: 0,
    auth: false,
    workflows: [threeSteps],
    services: [bench],
    rateLimit: { perSecond: 1e9, burst: 1e9 },
  });
  const worker = await startWorker(running.url, settings.transport);
  try {
    return await measureW1(running.tutti, threeSteps, settings);
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    await running.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

async function startWorker(url: string, transport: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/w1-worker.ts', url, transport], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the W1 worker exited (${code}) before it was ready`)));
  });
  return child;
}
