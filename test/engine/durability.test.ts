/**
 * Durability gating, observed through a store whose commits are reported durable only when the
 * test says so: in 'strict' mode no step starts before what the run recorded earlier is durable;
 * in 'pipelined' mode steps run ahead; in both, a run's result is reported only once its outcome
 * is durable.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTutti, type Durability, defineService, defineWorkflow } from '../../src/index.js';
import { GatedStore, isStepJournal, turns, within } from './helpers.js';

function twoSteps() {
  const started: string[] = [];
  const svc = defineService('svc', {
    one: () => {
      started.push('one');
      return 1;
    },
    two: (n: number) => {
      started.push('two');
      return n + 1;
    },
  });
  const wf = defineWorkflow('twoSteps', async (ctx) => {
    const one = await ctx.step(svc.one, undefined);
    return ctx.step(svc.two, one);
  });
  return { started, svc, wf };
}

describe('durability gating', () => {
  test("strict: step 2 does not start before step 1's journal commit is durable", async () => {
    const store = new GatedStore();
    const { started, svc, wf } = twoSteps();
    const tutti = await createTutti({ store, services: [svc], workflows: [wf], durability: 'strict' });
    try {
      const run = await tutti.start(wf, null);
      await store.issued(isStepJournal('svc.one'));
      await turns(10);
      assert.deepEqual(started, ['one'], 'step two waited for the commit');
      await store.releaseAll();
      await store.issued(isStepJournal('svc.two'));
      assert.deepEqual(started, ['one', 'two']);
      await store.releaseAll();
      await store.issued((t) => t.status === 'completed');
      await store.releaseAll();
      assert.equal(await within(run.result(), 2000, 'result'), 2);
    } finally {
      await store.releaseAll();
      await tutti.close();
    }
  });

  test("pipelined: step 2 starts while step 1's journal commit is still pending", async () => {
    const store = new GatedStore();
    const { started, svc, wf } = twoSteps();
    const tutti = await createTutti({ store, services: [svc], workflows: [wf], durability: 'pipelined' });
    try {
      const run = await tutti.start(wf, null);
      await store.issued(isStepJournal('svc.two'));
      assert.deepEqual(started, ['one', 'two']);
      const stepOne = store.log.find((e) => isStepJournal('svc.one')(e.transition));
      assert.equal(stepOne?.durable, false, 'step two ran before step one was durable');
      await store.issued((t) => t.status === 'completed');
      await store.releaseAll();
      assert.equal(await within(run.result(), 2000, 'result'), 2);
    } finally {
      await store.releaseAll();
      await tutti.close();
    }
  });

  for (const durability of ['strict', 'pipelined'] as Durability[]) {
    test(`${durability}: result() resolves only after the final commit is durable`, async () => {
      const store = new GatedStore();
      const { svc, wf } = twoSteps();
      const tutti = await createTutti({ store, services: [svc], workflows: [wf], durability });
      try {
        const run = await tutti.start(wf, null);
        let resolved = false;
        const result = run.result().then((value) => {
          resolved = true;
          return value;
        });
        // Release everything but the outcome: steps run, the workflow returns.
        while (!store.log.some((e) => e.transition.status === 'completed')) {
          await store.releaseAll();
          await turns(2);
        }
        const final = store.log.find((e) => e.transition.status === 'completed');
        await turns(10);
        assert.equal(final?.durable, false);
        assert.equal(resolved, false, 'result() resolved before the outcome was durable');
        await store.releaseAll();
        assert.equal(await within(result, 2000, 'result'), 2);
        assert.equal(final?.durable, true);
      } finally {
        await store.releaseAll();
        await tutti.close();
      }
    });
  }

  test('a failed run also reports its failure only once the outcome is durable', async () => {
    const store = new GatedStore();
    const svc = defineService('svc', {
      boom: () => {
        throw new Error('boom');
      },
    });
    const wf = defineWorkflow('failing', (ctx) => ctx.step(svc.boom, undefined, { retry: { maxAttempts: 1 } }));
    const tutti = await createTutti({ store, services: [svc], workflows: [wf], durability: 'pipelined' });
    try {
      const run = await tutti.start(wf, null);
      let settled = false;
      const result = run.result().then(
        () => assert.fail('expected a failure'),
        (error) => {
          settled = true;
          return error;
        },
      );
      while (!store.log.some((e) => e.transition.status === 'failed')) {
        await store.releaseAll();
        await turns(2);
      }
      await turns(10);
      assert.equal(settled, false);
      await store.releaseAll();
      assert.match((await within(result, 2000, 'result')).message, /boom/);
    } finally {
      await store.releaseAll();
      await tutti.close();
    }
  });
});
