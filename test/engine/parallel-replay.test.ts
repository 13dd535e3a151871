/**
 * Parallel branches replay in the order their calls finished the first time (src/engine/turns.ts):
 * a branch's next call takes the same position, and the same recorded result, as it did before.
 * Without that order a replay let the branches go on in position order, and a branch could take
 * the result the other branch had recorded.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTutti, defineService, defineWorkflow, type WorkflowContext } from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { tempDbPath } from '../helpers/temp-db.js';
import { ok, seedRun } from './seed.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tracedService(calls: string[]) {
  return defineService('svc', {
    work: async ({ label, ms }: { label: string; ms: number }) => {
      calls.push(label);
      await pause(ms);
      return label;
    },
  });
}

/** Branches of steps run in parallel; each step's label says which branch and step it is. */
function branches(svc: ReturnType<typeof tracedService>, delays: number[][]) {
  return async (ctx: WorkflowContext) => {
    const results = await Promise.all(
      delays.map(async (steps, b) => {
        let last = '';
        for (const [s, ms] of steps.entries())
          last = await ctx.step(svc.work, { label: `b${b}s${s}${last ? `<${last}` : ''}`.slice(0, 40), ms });
        return last;
      }),
    );
    await ctx.waitForSignal('finish');
    return results;
  };
}

describe('parallel branches on replay', () => {
  test('a resumed run hands back recorded results in the order they finished, not in position order', async () => {
    const calls: string[] = [];
    const svc = tracedService(calls);
    const wf = defineWorkflow('fork', async (ctx) => {
      const slow = (async () =>
        `${await ctx.step(svc.work, { label: 'a1', ms: 0 })}+${await ctx.step(svc.work, { label: 'a2', ms: 0 })}`)();
      const fast = (async () =>
        `${await ctx.step(svc.work, { label: 'b1', ms: 0 })}+${await ctx.step(svc.work, { label: 'b2', ms: 0 })}`)();
      return Promise.all([slow, fast]);
    });
    const store = createMemoryStore();
    const at = Date.now() - 1000;
    // The first run: a1 (position 0) was slow; b1 (1) and then b2 (2) finished before it; a2 had not finished.
    await seedRun(store, {
      id: 'r',
      workflow: 'fork',
      journal: [ok(0, 'svc.work', 'A1'), ok(1, 'svc.work', 'B1'), ok(2, 'svc.work', 'B2')],
    });
    const state = await store.readRunState('r');
    const finished = new Map([
      [0, at + 30],
      [1, at + 10],
      [2, at + 20],
    ]);
    const reordered = createMemoryStore();
    await reordered.createRun(state!.run);
    await reordered.commit({
      runId: 'r',
      at,
      journal: state!.journal.map((entry) => ({ ...entry, finishedAt: finished.get(entry.position)! })),
    });
    const tutti = await createTutti({ store: reordered, services: [svc], workflows: [wf] });
    try {
      assert.deepEqual(await (await tutti.handle('r')).result(), ['A1+a2', 'B1+B2']);
      assert.deepEqual(calls, ['a2'], 'only the step that had not finished runs');
      const journal = (await reordered.readRunState('r'))!.journal;
      assert.deepEqual(journal.at(-1)?.output, JSON.stringify('a2'));
      assert.equal(journal.at(-1)?.position, 3);
    } finally {
      await tutti.close();
      await store.close();
    }
  });

  test('branches with steps of different lengths give the same results after a restart, run after run', async () => {
    for (let round = 0; round < 4; round++) {
      const db = tempDbPath();
      const calls: string[] = [];
      const svc = tracedService(calls);
      // Random lengths: which branch moves first differs from round to round.
      const delays = [0, 1, 2].map(() => [0, 1, 2].map(() => Math.floor(Math.random() * 25)));
      const wf = defineWorkflow('fork', branches(svc, delays));
      try {
        let tutti = await createTutti({ store: `sqlite:${db.path}`, services: [svc], workflows: [wf] });
        const first = await tutti.start(wf, undefined, { id: 'r' });
        while ((await tutti.store.readRunState('r'))!.journal.length < 9) await pause(10);
        await tutti.close();
        const ranBefore = calls.length;
        tutti = await createTutti({ store: `sqlite:${db.path}`, services: [svc], workflows: [wf] });
        await tutti.signal('r', 'finish');
        const result = (await (await tutti.handle('r')).result()) as string[];
        await tutti.close();
        assert.equal(first.id, 'r');
        assert.equal(calls.length, ranBefore, `round ${round} (${JSON.stringify(delays)}): no step ran again`);
        assert.deepEqual(
          result,
          [0, 1, 2].map((b) => `b${b}s2<b${b}s1<b${b}s0`.slice(0, 40)),
          `round ${round}: delays ${JSON.stringify(delays)}`,
        );
      } finally {
        db.remove();
      }
    }
  });
});
