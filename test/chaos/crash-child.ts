/**
 * The process the crash test kills. Every step execution appends a line to an effects log
 * (a file survives SIGKILL), so the parent can count how often each step really ran.
 *
 *   crash-child.ts <db> <effects.log> start <runs>   start runs and work until killed (or done)
 *   crash-child.ts <db> <effects.log> resume          resume what was in flight, wait, print summary
 */
import { appendFileSync } from 'node:fs';
import Type from 'typebox';
import { createTutti, defineEvent, defineService, defineWorkflow } from '../../src/index.js';

const [db, effects, mode, count] = process.argv.slice(2) as [string, string, string, string?];

const effect = (runId: string, step: string, attempt: number) =>
  appendFileSync(effects, `${runId} ${step} ${attempt}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const mill = defineService('mill', {
  grind: async (n: number, ctx) => {
    effect(ctx.runId, 'grind', ctx.attempt);
    await pause(5);
    return n * 2;
  },
  press: async (n: number, ctx) => {
    effect(ctx.runId, 'press', ctx.attempt);
    await pause(15);
    return n + 1;
  },
  pack: async (n: number, ctx) => {
    effect(ctx.runId, 'pack', ctx.attempt);
    await pause(10);
    return `box-${n}`;
  },
});

/** Announced by each run through its outbox: the parent checks that each lands exactly once. */
const Pressed = defineEvent('mill.pressed', Type.Object({ runId: Type.String(), value: Type.Number() }));

const produce = defineWorkflow('produce', async (ctx, n: number) => {
  const ground = await ctx.step(mill.grind, n);
  await ctx.sleep('30ms');
  const pressed = await ctx.step(mill.press, ground);
  await ctx.emit(Pressed, { runId: ctx.runId, value: pressed }, { key: ctx.runId });
  const packed = await ctx.step(mill.pack, pressed);
  return { packed, at: ctx.now() > 0 };
});

const tutti = await createTutti({ store: `sqlite:${db}`, services: [mill], workflows: [produce] });
tutti.events.on('step:completed', (e) => process.stdout.write(`completed ${e.runId} ${e.step}\n`));

if (mode === 'start') {
  const runs = Number(count);
  const handles = [];
  // Start runs spread over time so that the kill lands with runs at every stage.
  for (let i = 0; i < runs; i++) {
    handles.push(await tutti.start(produce, i, { id: `run-${i}` }));
    await pause(3);
  }
  await Promise.all(handles.map((h) => h.result()));
  process.stdout.write('all done before the kill\n');
} else {
  process.stdout.write(`resumed ${tutti.resumed.length}\n`);
  const runs = await tutti.listRuns({ limit: 10_000 });
  const results = await Promise.allSettled(runs.map(async (run) => (await tutti.handle(run.id)).result()));
  const failed = results.filter((r) => r.status === 'rejected').length;
  const final = await tutti.listRuns({ limit: 10_000 });
  process.stdout.write(
    `${JSON.stringify({ failed, runs: final.map((r) => ({ id: r.id, status: r.status, output: r.output })) })}\n`,
  );
}
await tutti.close();
