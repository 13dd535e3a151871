import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createTutti,
  defineService,
  defineWorkflow,
  NonRetryableError,
  RunFailedError,
  type StepContext,
  StepFailedError,
  StepTimeoutError,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { rejection } from './helpers.js';

const fast = { initialInterval: 5, jitter: 0 } as const;

describe('step results', () => {
  test('a step result flows into the next step and into the run output', async () => {
    const math = defineService('math', {
      double: (n: number) => n * 2,
      add: async (p: { a: number; b: number }) => p.a + p.b,
    });
    const wf = defineWorkflow('calc', async (ctx, n: number) => {
      const d = await ctx.step(math.double, n);
      return ctx.step(math.add, { a: d, b: 1 });
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [math], workflows: [wf] });
    try {
      const run = await tutti.start(wf, 20);
      assert.equal(await run.result(), 41);
      const state = await tutti.store.readRunState(run.id);
      assert.deepEqual(
        state?.journal.map((e) => [e.position, e.kind, e.name, e.ok, e.output]),
        [
          [0, 'step', 'math.double', true, '40'],
          [1, 'step', 'math.add', true, '41'],
        ],
      );
      assert.equal((await run.info()).status, 'completed');
    } finally {
      await tutti.close();
    }
  });
});

describe('retries', () => {
  test('a failing step is retried with growing delays up to maxAttempts, then fails with StepFailedError', async () => {
    const startedAt: number[] = [];
    const attempts: number[] = [];
    const flaky = defineService('flaky', {
      call: (_: null, ctx: StepContext) => {
        startedAt.push(Date.now());
        attempts.push(ctx.attempt);
        throw new Error(`down (attempt ${ctx.attempt})`);
      },
    });
    let seen: unknown;
    const wf = defineWorkflow('retrying', async (ctx) => {
      try {
        await ctx.step(flaky.call, null, {
          retry: { maxAttempts: 3, initialInterval: 20, backoffCoefficient: 2, jitter: 0 },
        });
      } catch (error) {
        seen = error;
        throw error;
      }
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [flaky], workflows: [wf] });
    const delays: number[] = [];
    tutti.events.on('step:retrying', (e) => delays.push(e.delayMs));
    try {
      const run = await tutti.start(wf, null);
      const error = await rejection(run.result());
      assert.ok(error instanceof RunFailedError);
      assert.deepEqual(attempts, [1, 2, 3]);
      assert.deepEqual(delays, [20, 40]);
      assert.ok(startedAt[1]! - startedAt[0]! >= 20, `first retry came after ${startedAt[1]! - startedAt[0]!} ms`);
      assert.ok(startedAt[2]! - startedAt[1]! >= 40, `second retry came after ${startedAt[2]! - startedAt[1]!} ms`);
      assert.ok(seen instanceof StepFailedError);
      assert.equal(seen.step, 'flaky.call');
      assert.equal(seen.attempts, 3);
      assert.equal((seen.cause as Error).message, 'down (attempt 3)');
      assert.equal(error.cause, seen);
      const state = await tutti.store.readRunState(run.id);
      assert.equal(state?.journal.length, 1);
      assert.equal(state?.journal[0]?.ok, false);
      assert.equal(state?.journal[0]?.attempts, 3);
      assert.deepEqual(state?.timers, [], 'the retry timer is cleared once the step has failed for good');
    } finally {
      await tutti.close();
    }
  });

  test('a step that fails then succeeds returns its result and records the attempts it took', async () => {
    let calls = 0;
    const svc = defineService('svc', {
      call: () => {
        if (++calls < 3) throw new Error('not yet');
        return 'ok';
      },
    });
    const wf = defineWorkflow('eventually', (ctx) => ctx.step(svc.call, undefined, { retry: fast }));
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      const run = await tutti.start(wf, null);
      assert.equal(await run.result(), 'ok');
      const state = await tutti.store.readRunState(run.id);
      assert.equal(state?.journal[0]?.attempts, 3);
      assert.deepEqual(state?.timers, []);
    } finally {
      await tutti.close();
    }
  });

  test('NonRetryableError fails the step at once', async () => {
    let calls = 0;
    const svc = defineService('card', {
      charge: () => {
        calls++;
        throw new NonRetryableError('card declined');
      },
    });
    const wf = defineWorkflow('pay', (ctx) => ctx.step(svc.charge, undefined, { retry: { ...fast, maxAttempts: 5 } }));
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      const error = await rejection((await tutti.start(wf, null)).result());
      assert.equal(calls, 1);
      assert.ok(error.cause instanceof StepFailedError);
      assert.equal(error.cause.attempts, 1);
      assert.ok(error.cause.cause instanceof NonRetryableError);
    } finally {
      await tutti.close();
    }
  });

  test('retry.nonRetryable stops retries for the listed error names and codes, and only those', async () => {
    class PaymentDeclined extends Error {
      override name = 'PaymentDeclined';
    }
    const calls = { byName: 0, byCode: 0, other: 0 };
    const svc = defineService('pay', {
      byName: () => {
        calls.byName++;
        throw new PaymentDeclined('declined');
      },
      byCode: () => {
        calls.byCode++;
        throw Object.assign(new Error('limit'), { code: 'E_LIMIT' });
      },
      other: () => {
        calls.other++;
        throw new Error('timeout talking to bank');
      },
    });
    const retry = { ...fast, maxAttempts: 4, nonRetryable: ['PaymentDeclined', 'E_LIMIT'] };
    const wf = defineWorkflow('pays', async (ctx) => {
      const outcomes: number[] = [];
      for (const ref of [svc.byName, svc.byCode, svc.other]) {
        try {
          await ctx.step(ref, undefined, { retry });
        } catch (error) {
          outcomes.push((error as StepFailedError).attempts);
        }
      }
      return outcomes;
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      assert.deepEqual(await (await tutti.start(wf, null)).result(), [1, 1, 4]);
      assert.deepEqual(calls, { byName: 1, byCode: 1, other: 4 });
    } finally {
      await tutti.close();
    }
  });
});

describe('timeouts', () => {
  test('an attempt that exceeds its timeout gets an aborted signal and is retried', async () => {
    const signals: AbortSignal[] = [];
    const svc = defineService('slow', {
      call: (_: null, ctx: StepContext) => {
        signals.push(ctx.signal);
        if (ctx.attempt === 1) return new Promise(() => {}); // hangs: only the timeout ends it
        return 'second time lucky';
      },
    });
    const wf = defineWorkflow('timed', (ctx) => ctx.step(svc.call, null, { timeout: 15, retry: fast }));
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      assert.equal(await (await tutti.start(wf, null)).result(), 'second time lucky');
      assert.equal(signals.length, 2);
      assert.equal(signals[0]?.aborted, true);
      assert.ok(signals[0]?.reason instanceof StepTimeoutError);
      assert.equal(signals[1]?.aborted, false, 'the successful attempt was not aborted');
    } finally {
      await tutti.close();
    }
  });

  test('a step that always times out fails with StepTimeoutError as cause (service-level timeout)', async () => {
    let calls = 0;
    const svc = defineService(
      'stuck',
      {
        call: (_: null, ctx: StepContext) =>
          new Promise((_resolve, reject) => {
            calls++;
            ctx.signal.addEventListener('abort', () => reject(new Error('aborted by signal')));
          }),
      },
      { timeout: '10ms', retry: { ...fast, maxAttempts: 2 } },
    );
    const wf = defineWorkflow('stuckflow', (ctx) => ctx.step(svc.call, null));
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      const error = await rejection((await tutti.start(wf, null)).result());
      assert.equal(calls, 2);
      assert.ok(error.cause instanceof StepFailedError);
      assert.equal(error.cause.attempts, 2);
      assert.ok(error.cause.cause instanceof StepTimeoutError);
      assert.equal(error.cause.cause.code, 'STEP_TIMEOUT');
      assert.match(error.cause.cause.message, /'stuck\.call' did not finish within 10 ms/);
    } finally {
      await tutti.close();
    }
  });
});

describe('step context', () => {
  test('attempt counts up; runId, step name and idempotencyKey stay the same across attempts', async () => {
    const seen: { attempt: number; key: string; runId: string; step: string }[] = [];
    const svc = defineService('ctxsvc', {
      first: () => 'first',
      second: (_: null, ctx: StepContext) => {
        seen.push({ attempt: ctx.attempt, key: ctx.idempotencyKey, runId: ctx.runId, step: ctx.step });
        if (ctx.attempt < 3) throw new Error('again');
        return 'done';
      },
    });
    const wf = defineWorkflow('ctxwf', async (ctx) => {
      await ctx.step(svc.first, undefined);
      return ctx.step(svc.second, null, { retry: fast });
    });
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      await (await tutti.start(wf, null, { id: 'run-7' })).result();
      assert.deepEqual(seen, [
        { attempt: 1, key: 'run-7:1', runId: 'run-7', step: 'ctxsvc.second' },
        { attempt: 2, key: 'run-7:1', runId: 'run-7', step: 'ctxsvc.second' },
        { attempt: 3, key: 'run-7:1', runId: 'run-7', step: 'ctxsvc.second' },
      ]);
    } finally {
      await tutti.close();
    }
  });
});

describe('thrown values that are not Errors', () => {
  for (const [label, thrown] of [
    ['a string', 'plain string failure'],
    ['an object', { reason: 'declined', codes: [1, 2] }],
  ] as const) {
    test(`${label} thrown by a step is the StepFailedError's cause and is stored as that value`, async () => {
      const svc = defineService('odd', {
        fail: () => {
          throw thrown;
        },
      });
      let caught: unknown;
      const wf = defineWorkflow('oddwf', async (ctx) => {
        try {
          await ctx.step(svc.fail, undefined, { retry: { maxAttempts: 1 } });
        } catch (error) {
          caught = error;
          throw error;
        }
      });
      const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
      try {
        const run = await tutti.start(wf, null);
        const error = await rejection(run.result());
        assert.ok(caught instanceof StepFailedError);
        assert.equal(caught.cause, thrown);
        assert.equal(error.cause, caught);
        const info = await run.info();
        assert.equal(info.status, 'failed');
        assert.equal(info.error?.error.kind, 'error');
        assert.deepEqual(info.error?.error.kind === 'error' && info.error.error.cause, {
          kind: 'value',
          value: thrown,
        });
        const entry = (await tutti.store.readRunState(run.id))?.journal[0];
        assert.deepEqual(JSON.parse(entry?.output ?? 'null'), { kind: 'value', value: thrown });
      } finally {
        await tutti.close();
      }
    });
  }
});
