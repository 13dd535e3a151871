import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createTutti,
  defineService,
  defineWorkflow,
  NonRetryableError,
  RunFailedError,
  StepFailedError,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { rejection, sleep } from './helpers.js';

function orderServices(calls: string[], options: { releaseFails?: boolean } = {}) {
  const inventory = defineService(
    'inventory',
    {
      reserve: (order: { id: string }) => {
        calls.push(`reserve ${order.id}`);
        return { reservationId: `r-${order.id}` };
      },
      release: (r: { reservationId: string }) => {
        calls.push(`release ${r.reservationId}`);
        if (options.releaseFails) throw new NonRetryableError('warehouse offline');
      },
    },
    { retry: { initialInterval: 5 } },
  );
  const payment = defineService(
    'payment',
    {
      charge: (order: { id: string }) => {
        calls.push(`charge ${order.id}`);
        return { paymentId: `p-${order.id}`, amount: 30 };
      },
      refund: (r: { paymentId: string }) => {
        calls.push(`refund ${r.paymentId}`);
      },
    },
    { retry: { initialInterval: 5 } },
  );
  const shipping = defineService('shipping', {
    ship: (order: { id: string }) => {
      calls.push(`ship ${order.id}`);
      throw new NonRetryableError('no courier');
    },
    track: () => 'tracking',
  });
  const saga = defineWorkflow('order', async (ctx, order: { id: string }) => {
    await ctx.step(inventory.reserve, order, { compensate: inventory.release });
    await ctx.step(shipping.track, undefined); // not compensable
    await ctx.step(payment.charge, order, {
      compensate: { step: payment.refund, input: (p) => ({ paymentId: p.paymentId }) },
    });
    await ctx.step(shipping.ship, order);
    return 'shipped';
  });
  return { services: [inventory, payment, shipping], saga };
}

describe('compensation (saga)', () => {
  test('a failure runs the compensations of completed steps newest first, each fed its step result', async () => {
    const calls: string[] = [];
    const { services, saga } = orderServices(calls);
    const tutti = await createTutti({ store: createMemoryStore(), services, workflows: [saga] });
    const events: string[] = [];
    tutti.events.on('compensation:started', (e) => events.push(`started ${e.step} @${e.position}`));
    tutti.events.on('compensation:completed', (e) => events.push(`completed ${e.step} @${e.position}`));
    try {
      const run = await tutti.start(saga, { id: 'o1' });
      const error = await rejection(run.result());
      assert.deepEqual(calls, ['reserve o1', 'charge o1', 'ship o1', 'refund p-o1', 'release r-o1']);
      assert.ok(error instanceof RunFailedError);
      assert.ok(error.cause instanceof StepFailedError);
      assert.equal(error.cause.step, 'shipping.ship');
      const info = await run.info();
      assert.equal(info.status, 'failed');
      assert.equal(info.error?.compensationFailures, undefined);
      const journal = (await tutti.store.readRunState(run.id))?.journal ?? [];
      assert.deepEqual(
        journal.map((e) => [e.position, e.kind, e.name, e.ok]),
        [
          [0, 'step', 'inventory.reserve', true],
          [1, 'step', 'shipping.track', true],
          [2, 'step', 'payment.charge', true],
          [3, 'step', 'shipping.ship', false],
          [4, 'compensation', 'payment.refund', true],
          [5, 'compensation', 'inventory.release', true],
        ],
      );
      assert.deepEqual(events, [
        'started payment.refund @4',
        'completed payment.refund @4',
        'started inventory.release @5',
        'completed inventory.release @5',
      ]);
    } finally {
      await tutti.close();
    }
  });

  test('a run that completes runs no compensation', async () => {
    const calls: string[] = [];
    const svc = defineService('s', {
      act: () => calls.push('act'),
      undo: (_acted: number) => calls.push('undo'),
    });
    const wf = defineWorkflow('fine', async (ctx) => {
      await ctx.step(svc.act, undefined, { compensate: svc.undo });
      return 'ok';
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      assert.equal(await (await tutti.start(wf, null)).result(), 'ok');
      assert.deepEqual(calls, ['act']);
    } finally {
      await tutti.close();
    }
  });

  test("a failing compensation is recorded in the run's error; the others still run; the cause stays the original failure", async () => {
    const calls: string[] = [];
    const { services, saga } = orderServices(calls, { releaseFails: true });
    const tutti = await createTutti({ store: createMemoryStore(), services, workflows: [saga] });
    try {
      const run = await tutti.start(saga, { id: 'o2' });
      const error = await rejection(run.result());
      assert.deepEqual(calls, ['reserve o2', 'charge o2', 'ship o2', 'refund p-o2', 'release r-o2']);
      assert.ok(error instanceof RunFailedError);
      assert.ok(error.cause instanceof StepFailedError, 'the cause is the failure that started the compensation');
      assert.equal(error.cause.step, 'shipping.ship');
      assert.match(error.message, /1 compensation\(s\) also failed: inventory\.release/);
      const info = await run.info();
      assert.equal(info.status, 'failed');
      assert.equal(info.error?.error.kind === 'error' && info.error.error.name, 'StepFailedError');
      assert.equal(info.error?.compensationFailures?.length, 1);
      const failure = info.error?.compensationFailures?.[0];
      assert.equal(failure?.step, 'inventory.release');
      assert.equal(failure?.position, 0, 'the position of the step being undone');
      assert.equal(failure?.error.kind === 'error' && failure.error.name, 'NonRetryableError');
      assert.equal(failure?.error.kind === 'error' && failure.error.message, 'warehouse offline');
    } finally {
      await tutti.close();
    }
  });

  test('compensations of parallel steps run by position (newest first), not by completion time', async () => {
    const calls: string[] = [];
    const svc = defineService('par', {
      first: async () => {
        await sleep(20); // called first, completes last
        calls.push('first done');
        return 'first';
      },
      second: () => {
        calls.push('second done');
        return 'second';
      },
      undo: (what: string) => {
        calls.push(`undo ${what}`);
      },
      boom: () => {
        throw new NonRetryableError('boom');
      },
    });
    const wf = defineWorkflow('parsaga', async (ctx) => {
      await Promise.all([
        ctx.step(svc.first, undefined, { compensate: svc.undo }),
        ctx.step(svc.second, undefined, { compensate: svc.undo }),
      ]);
      await ctx.step(svc.boom, undefined);
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      await rejection((await tutti.start(wf, null)).result());
      assert.deepEqual(calls, ['second done', 'first done', 'undo second', 'undo first']);
    } finally {
      await tutti.close();
    }
  });

  test('a step still in flight when a parallel sibling fails completes and is compensated', async () => {
    const calls: string[] = [];
    const svc = defineService('race', {
      slow: async () => {
        await sleep(20);
        calls.push('slow done');
        return 'slow';
      },
      fails: () => {
        throw new NonRetryableError('fast failure');
      },
      undo: (what: string) => {
        calls.push(`undo ${what}`);
      },
    });
    const wf = defineWorkflow('racesaga', async (ctx) => {
      await Promise.all([ctx.step(svc.slow, undefined, { compensate: svc.undo }), ctx.step(svc.fails, undefined)]);
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      const error = await rejection((await tutti.start(wf, null)).result());
      assert.match(error.message, /fast failure/);
      assert.deepEqual(calls, ['slow done', 'undo slow']);
    } finally {
      await tutti.close();
    }
  });
});
