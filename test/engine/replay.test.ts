/**
 * Recovery without a crash: the store is filled by hand with what an engine would have left
 * (a run, its journal, its timers), then a Tutti instance starts on it and resumes the run.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recordError, reviveError } from '../../src/core/serialize.js';
import {
  ConfigError,
  createTutti,
  defineService,
  defineWorkflow,
  type NonDeterminismError,
  NonRetryableError,
  RunCancelledError,
  RunFailedError,
  type StepContext,
  StepFailedError,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { rejection, within } from './helpers.js';
import { ok, seedRun } from './seed.js';

function counterService(calls: string[]) {
  return defineService(
    'svc',
    {
      first: (n: number) => {
        calls.push(`first ${n}`);
        return { v: n + 1 };
      },
      second: (r: { v: number }) => {
        calls.push(`second ${r.v}`);
        return r.v * 2;
      },
      other: () => {
        calls.push('other');
      },
    },
    { retry: { initialInterval: 5 } },
  );
}

describe('replay from the journal', () => {
  test('a recorded step is not executed again; its recorded result flows into later steps', async () => {
    const calls: string[] = [];
    const svc = counterService(calls);
    const wf = defineWorkflow('flow', async (ctx, n: number) => {
      const a = await ctx.step(svc.first, n);
      return ctx.step(svc.second, a);
    });
    const store = createMemoryStore();
    await seedRun(store, { id: 'r1', workflow: 'flow', input: 1, journal: [ok(0, 'svc.first', { v: 41 })] });
    const tutti = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      assert.deepEqual(tutti.resumed, ['r1']);
      assert.equal(await (await tutti.handle('r1')).result(), 82);
      assert.deepEqual(calls, ['second 41'], 'step 0 was replayed, not run');
      const state = await store.readRunState('r1');
      assert.equal(state?.run.status, 'completed');
      assert.deepEqual(
        state?.journal.map((e) => [e.position, e.name, e.output]),
        [
          [0, 'svc.first', '{"v":41}'],
          [1, 'svc.second', '82'],
        ],
      );
    } finally {
      await tutti.close();
    }
  });

  test('recorded outcomes replay as they were: a failure with a non-Error cause, ctx.now', async () => {
    const calls: string[] = [];
    const svc = counterService(calls);
    const wf = defineWorkflow('flow', async (ctx) => {
      const now = ctx.now();
      try {
        await ctx.step(svc.first, 1);
        return 'unreachable';
      } catch (error) {
        const failed = error as StepFailedError;
        return { now, name: failed.name, step: failed.step, attempts: failed.attempts, cause: failed.cause };
      }
    });
    const store = createMemoryStore();
    await seedRun(store, {
      id: 'r2',
      workflow: 'flow',
      journal: [
        ok(0, 'now', 12345, 'now'),
        { ...ok(1, 'svc.first', { kind: 'value', value: { declined: true } }), ok: false },
      ],
    });
    const tutti = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      assert.deepEqual(await (await tutti.handle('r2')).result(), {
        now: 12345,
        name: 'StepFailedError',
        step: 'svc.first',
        attempts: 1,
        cause: { declined: true },
      });
      assert.deepEqual(calls, []);
    } finally {
      await tutti.close();
    }
  });

  test("a replayed failure's cause is of Tutti's own class again, so instanceof takes the same branch", async () => {
    const calls: string[] = [];
    const svc = counterService(calls);
    const wf = defineWorkflow('flow', async (ctx) => {
      try {
        await ctx.step(svc.first, 1);
        return 'unreachable';
      } catch (error) {
        const cause = (error as StepFailedError).cause;
        if (cause instanceof NonRetryableError) return `permanent: ${cause.message} (${cause.code})`;
        return `other: ${String(cause)}`;
      }
    });
    const recorded = recordError(new NonRetryableError('card declined'));
    const store = createMemoryStore();
    await seedRun(store, { id: 'r3', workflow: 'flow', journal: [{ ...ok(0, 'svc.first', recorded), ok: false }] });
    const tutti = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      assert.equal(await (await tutti.handle('r3')).result(), 'permanent: card declined (NON_RETRYABLE)');
      assert.deepEqual(calls, []);
    } finally {
      await tutti.close();
    }
  });

  test('a user error class replays as an Error with its name, message and code', () => {
    class CardDeclined extends Error {
      code = 'DECLINED';
    }
    const thrown = Object.assign(new CardDeclined('no funds'), { name: 'CardDeclined' });
    const revived = reviveError(recordError(thrown)) as Error & { code: string };
    assert.ok(revived instanceof Error);
    assert.ok(!(revived instanceof NonRetryableError));
    assert.deepEqual([revived.name, revived.message, revived.code], ['CardDeclined', 'no funds', 'DECLINED']);
  });

  test('a recorded step of another name fails the run with NonDeterminismError naming the position and both names', async () => {
    const calls: string[] = [];
    const svc = counterService(calls);
    const wf = defineWorkflow('flow', async (ctx) => {
      await ctx.step(svc.first, 1);
      return ctx.step(svc.second, { v: 1 });
    });
    const store = createMemoryStore();
    await seedRun(store, {
      id: 'r3',
      workflow: 'flow',
      journal: [ok(0, 'svc.first', { v: 2 }), ok(1, 'svc.other', null)],
    });
    const tutti = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      const error = await rejection((await tutti.handle('r3')).result());
      assert.ok(error instanceof RunFailedError);
      const cause = error.cause as NonDeterminismError;
      assert.equal(cause.name, 'NonDeterminismError');
      assert.equal(cause.code, 'NON_DETERMINISM');
      assert.match(cause.message, /diverged at position 1/);
      assert.match(cause.message, /recorded step 'svc\.other' but the workflow now calls step 'svc\.second'/);
      assert.deepEqual(calls, [], 'nothing ran');
      assert.equal((await tutti.getRun('r3'))?.status, 'failed');
    } finally {
      await tutti.close();
    }
  });

  test('a journal with more entries than the code makes fails the run with NonDeterminismError', async () => {
    const calls: string[] = [];
    const svc = counterService(calls);
    const wf = defineWorkflow('flow', (ctx) => ctx.step(svc.first, 1));
    const store = createMemoryStore();
    await seedRun(store, {
      id: 'r4',
      workflow: 'flow',
      journal: [ok(0, 'svc.first', { v: 2 }), ok(1, 'svc.second', 4)],
    });
    const tutti = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      const error = await rejection((await tutti.handle('r4')).result());
      const cause = error.cause as Error & { code?: string };
      assert.equal(cause.code, 'NON_DETERMINISM');
      assert.match(cause.message, /the workflow returned, but the journal has step 'svc\.second' at position 1/);
      assert.equal((await tutti.getRun('r4'))?.status, 'failed');
    } finally {
      await tutti.close();
    }
  });

  test('a recorded compensation of another name fails the run with NonDeterminismError (no hang)', async () => {
    const calls: string[] = [];
    const svc = counterService(calls);
    const wf = defineWorkflow('flow', async (ctx) => {
      await ctx.step(svc.first, 1, { compensate: svc.second });
      await ctx.step(svc.other, undefined);
    });
    const store = createMemoryStore();
    const failure = { kind: 'error', name: 'NonRetryableError', message: 'no' };
    await seedRun(store, {
      id: 'r5',
      workflow: 'flow',
      status: 'compensating',
      journal: [
        ok(0, 'svc.first', { v: 2 }),
        { ...ok(1, 'svc.other', failure), ok: false },
        ok(2, 'svc.first', null, 'compensation'),
      ],
    });
    const tutti = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      const error = await within(rejection((await tutti.handle('r5')).result()), 2000, 'result');
      assert.ok(error instanceof RunFailedError);
      const cause = error.cause as Error & { code?: string };
      assert.equal(cause.code, 'NON_DETERMINISM');
      assert.match(
        cause.message,
        /recorded compensation 'svc\.first' but the workflow now calls compensation 'svc\.second'/,
      );
      assert.deepEqual(calls, []);
      assert.equal((await tutti.getRun('r5'))?.status, 'failed');
    } finally {
      await within(tutti.close(), 2000, 'close');
    }
  });
});

describe('restored timers', () => {
  test('a restored retry timer resumes the step at its attempt, not before the timer fires', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    const svc = defineService('svc', {
      call: (_: null, ctx: StepContext) => {
        attempts.push({ attempt: ctx.attempt, at: Date.now() });
        if (ctx.attempt < 4) throw new Error('still down');
        return 'up';
      },
    });
    const wf = defineWorkflow('flow', (ctx) =>
      ctx.step(svc.call, null, { retry: { maxAttempts: 5, initialInterval: 5 } }),
    );
    const store = createMemoryStore();
    const fireAt = Date.now() + 40;
    await seedRun(store, {
      id: 't1',
      workflow: 'flow',
      status: 'retrying',
      timers: [{ position: 0, kind: 'retry', fireAt, attempt: 3 }],
    });
    const tutti = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      assert.equal(await (await tutti.handle('t1')).result(), 'up');
      assert.deepEqual(
        attempts.map((a) => a.attempt),
        [3, 4],
      );
      assert.ok(attempts[0]!.at >= fireAt, `attempt 3 ran ${fireAt - attempts[0]!.at} ms before its timer`);
      const state = await store.readRunState('t1');
      assert.equal(state?.journal[0]?.attempts, 4);
      assert.deepEqual(state?.timers, []);
    } finally {
      await tutti.close();
    }
  });

  test('a restored retry timer counts toward maxAttempts', async () => {
    const attempts: number[] = [];
    const svc = defineService('svc', {
      call: (_: null, ctx: StepContext) => {
        attempts.push(ctx.attempt);
        throw new Error('down');
      },
    });
    const wf = defineWorkflow('flow', (ctx) =>
      ctx.step(svc.call, null, { retry: { maxAttempts: 3, initialInterval: 5 } }),
    );
    const store = createMemoryStore();
    await seedRun(store, {
      id: 't2',
      workflow: 'flow',
      status: 'retrying',
      timers: [{ position: 0, kind: 'retry', fireAt: Date.now() - 10, attempt: 3 }],
    });
    const tutti = await createTutti({ store, services: [svc], workflows: [wf] });
    try {
      const error = await rejection((await tutti.handle('t2')).result());
      assert.ok(error.cause instanceof StepFailedError);
      assert.equal(error.cause.attempts, 3);
      assert.deepEqual(attempts, [3]);
    } finally {
      await tutti.close();
    }
  });

  test('a restored sleep timer is honoured: past due it continues at once, otherwise it waits for it', async () => {
    const wf = defineWorkflow('napper', async (ctx) => {
      await ctx.sleep('1h');
      await ctx.sleep(1);
      return 'rested';
    });
    const store = createMemoryStore();
    const fireAt = Date.now() + 40;
    await seedRun(store, {
      id: 's1',
      workflow: 'napper',
      status: 'sleeping',
      journal: [],
      timers: [{ position: 0, kind: 'sleep', fireAt: Date.now() - 1000, attempt: 0 }],
    });
    await seedRun(store, {
      id: 's2',
      workflow: 'napper',
      status: 'sleeping',
      journal: [ok(0, 'sleep', undefined, 'sleep')],
      timers: [{ position: 1, kind: 'sleep', fireAt, attempt: 0 }],
    });
    const tutti = await createTutti({ store, workflows: [wf] });
    try {
      assert.equal(await within((await tutti.handle('s1')).result(), 2000, 'past-due sleep'), 'rested');
      assert.equal(await within((await tutti.handle('s2')).result(), 2000, 'future sleep'), 'rested');
      assert.ok(Date.now() >= fireAt, 'the restored fireAt won over the 1 ms the code asks for');
      const s1 = await store.readRunState('s1');
      assert.deepEqual(
        s1?.journal.map((e) => [e.position, e.kind]),
        [
          [0, 'sleep'],
          [1, 'sleep'],
        ],
      );
      assert.deepEqual(s1?.timers, []);
      assert.deepEqual((await store.readRunState('s2'))?.timers, []);
    } finally {
      await tutti.close();
    }
  });
});

describe('which runs resume', () => {
  test('tutti.resumed lists the in-flight runs it resumed; finished runs are left alone', async () => {
    const wf = defineWorkflow('quick', async () => 'done');
    const store = createMemoryStore();
    await seedRun(store, { id: 'a', workflow: 'quick', status: 'running' });
    await seedRun(store, { id: 'b', workflow: 'quick', status: 'sleeping' });
    await seedRun(store, { id: 'c', workflow: 'quick', status: 'completed' });
    const tutti = await createTutti({ store, workflows: [wf] });
    try {
      assert.deepEqual([...tutti.resumed].sort(), ['a', 'b']);
      assert.equal(await (await tutti.handle('a')).result(), 'done');
      assert.equal(await (await tutti.handle('b')).result(), 'done');
      assert.equal((await store.getRun('c'))?.output, null, 'the finished run did not run again');
    } finally {
      await tutti.close();
    }
  });

  test('with resume: false nothing is resumed', async () => {
    const wf = defineWorkflow('quick', async () => 'done');
    const store = createMemoryStore();
    await seedRun(store, { id: 'a', workflow: 'quick' });
    const tutti = await createTutti({ store, workflows: [wf], resume: false });
    try {
      assert.deepEqual(tutti.resumed, []);
      assert.equal((await store.getRun('a'))?.status, 'running');
    } finally {
      await tutti.close();
    }
  });

  test('a run whose workflow version is not registered is left untouched and not resumed', async () => {
    const v2 = defineWorkflow('flow', async () => 'v2', { version: '2' });
    const store = createMemoryStore();
    await seedRun(store, {
      id: 'old',
      workflow: 'flow',
      version: '1',
      status: 'sleeping',
      timers: [{ position: 0, kind: 'sleep', fireAt: Date.now() - 1, attempt: 0 }],
    });
    const before = await store.readRunState('old');
    const tutti = await createTutti({ store, workflows: [v2] });
    try {
      assert.deepEqual(tutti.resumed, []);
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(await store.readRunState('old'), before);
      const error = await rejection((await tutti.handle('old')).result());
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /not live in this process/);
      // It can still be cancelled: the decision is recorded without running anything.
      await tutti.cancel('old', 'version 1 retired');
      assert.equal((await store.getRun('old'))?.status, 'cancelled');
      const cancelled = await rejection((await tutti.handle('old')).result());
      assert.ok(cancelled instanceof RunCancelledError);
      assert.equal(cancelled.message, "run 'old' was cancelled: version 1 retired");
    } finally {
      await tutti.close();
    }
  });
});
