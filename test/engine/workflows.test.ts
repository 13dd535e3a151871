import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConfigError,
  createTutti,
  DuplicateNameError,
  defineService,
  defineWorkflow,
  NonRetryableError,
  RunConflictError,
  RunFailedError,
  SerializationError,
  UnknownWorkflowError,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { barrier, deferred, rejection, sleep } from './helpers.js';

describe('starting runs', () => {
  test('starting an id again returns the same run: created false, same result, the step ran once', async () => {
    let calls = 0;
    const gate = deferred();
    const svc = defineService('once', {
      work: async (n: number) => {
        calls++;
        await gate.promise;
        return n * 10;
      },
    });
    const wf = defineWorkflow('idem', (ctx, n: number) => ctx.step(svc.work, n));
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      const first = await tutti.start(wf, 4, { id: 'order-1' });
      const whileLive = await tutti.start(wf, 4, { id: 'order-1' });
      gate.resolve();
      await first.result();
      const afterwards = await tutti.start(wf, 4, { id: 'order-1' });
      assert.equal(first.created, true);
      assert.equal(whileLive.created, false);
      assert.equal(afterwards.created, false);
      assert.equal(whileLive.id, 'order-1');
      assert.equal(afterwards.id, 'order-1');
      assert.equal(await first.result(), 40);
      assert.equal(await whileLive.result(), 40);
      assert.equal(await afterwards.result(), 40);
      assert.equal(calls, 1);
      assert.equal((await tutti.listRuns()).length, 1);
    } finally {
      await tutti.close();
    }
  });

  test('starting an id that belongs to another workflow throws RunConflictError (live or finished)', async () => {
    const gate = deferred();
    const a = defineWorkflow('a', async () => {
      await gate.promise;
      return 'a';
    });
    const b = defineWorkflow('b', async () => 'b');
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [a, b] });
    try {
      const run = await tutti.start(a, null, { id: 'shared' });
      const live = await rejection(tutti.start(b, null, { id: 'shared' }));
      assert.ok(live instanceof RunConflictError, String(live));
      assert.equal(live.code, 'RUN_CONFLICT');
      gate.resolve();
      assert.equal(await run.result(), 'a');
      const finished = await rejection(tutti.start(b, null, { id: 'shared' }));
      assert.ok(finished instanceof RunConflictError);
      assert.match(finished.message, /belongs to a run of workflow 'a', not 'b'/);
    } finally {
      await tutti.close();
    }
  });

  test('starting an unknown workflow throws UnknownWorkflowError, by name or by definition', async () => {
    const known = defineWorkflow('known', async () => 1);
    const stranger = defineWorkflow('stranger', async () => 1);
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [known] });
    try {
      const byName = await rejection(tutti.start('nope', null));
      assert.ok(byName instanceof UnknownWorkflowError);
      assert.match(byName.message, /unknown workflow 'nope'.*registered: 'known'/);
      assert.ok((await rejection(tutti.start(stranger, null))) instanceof UnknownWorkflowError);
      // A definition with a registered name but not the registered object is refused too.
      const lookalike = defineWorkflow('known', async () => 2);
      assert.ok((await rejection(tutti.start(lookalike, null))) instanceof UnknownWorkflowError);
      assert.deepEqual(await tutti.listRuns(), []);
    } finally {
      await tutti.close();
    }
  });

  test('non-serializable workflow input throws SerializationError and stores no run', async () => {
    const wf = defineWorkflow('takesInput', async (_ctx, input: unknown) => input);
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [wf] });
    try {
      const error = await rejection(tutti.start(wf, { when: 5n }, { id: 'bad-input' }));
      assert.ok(error instanceof SerializationError);
      assert.match(error.message, /input of workflow 'takesInput'.*at 'when'/);
      assert.equal(await tutti.store.getRun('bad-input'), undefined);
      assert.deepEqual(await tutti.listRuns(), []);
      // The id is still free.
      assert.equal(
        await (await tutti.start(wf, { when: '5' }, { id: 'bad-input' })).result().then(JSON.stringify),
        '{"when":"5"}',
      );
    } finally {
      await tutti.close();
    }
  });
});

describe('registration', () => {
  test('two services with one name throw DuplicateNameError', async () => {
    const one = defineService('dup', { a: () => 1 });
    const two = defineService('dup', { b: () => 2 });
    const error = await rejection(createTutti({ store: createMemoryStore(), services: [one, two] }));
    assert.ok(error instanceof DuplicateNameError);
    assert.match(error.message, /'dup'/);
  });

  test('two workflows with one name and version throw DuplicateNameError; other versions are fine', async () => {
    const v1 = defineWorkflow('flow', async () => 1);
    const v1again = defineWorkflow('flow', async () => 1);
    const v2 = defineWorkflow('flow', async () => 2, { version: '2' });
    const error = await rejection(createTutti({ store: createMemoryStore(), workflows: [v1, v1again] }));
    assert.ok(error instanceof DuplicateNameError);
    assert.match(error.message, /'flow' version '1'/);
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [v1, v2] });
    await tutti.close();
  });

  test('a step of a service that is not registered fails the run with a ConfigError naming the service', async () => {
    const ghost = defineService('ghost', { haunt: () => 'boo' });
    const wf = defineWorkflow('haunted', (ctx) => ctx.step(ghost.haunt, undefined));
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [wf] });
    try {
      const run = await tutti.start(wf, null);
      const error = await rejection(run.result());
      assert.ok(error instanceof RunFailedError);
      assert.ok(error.cause instanceof ConfigError);
      assert.match(error.cause.message, /service 'ghost' is not registered/);
      const info = await run.info();
      assert.equal(info.status, 'failed');
      assert.match(info.error?.error.kind === 'error' ? info.error.error.message : '', /service 'ghost'/);
    } finally {
      await tutti.close();
    }
  });

  test('the version a run started with is recorded; starting by name takes the latest', async () => {
    const seen: string[] = [];
    const v1 = defineWorkflow('versioned', async (ctx) => seen.push(ctx.version));
    const v2 = defineWorkflow('versioned', async (ctx) => seen.push(ctx.version), { version: '2' });
    const tutti = await createTutti({ store: createMemoryStore(), workflows: [v1, v2] });
    try {
      const byName = await tutti.start('versioned', null);
      await byName.result();
      const old = await tutti.start(v1, null);
      await old.result();
      assert.equal((await byName.info()).version, '2');
      assert.equal((await old.info()).version, '1');
      assert.deepEqual(seen, ['2', '1']);
    } finally {
      await tutti.close();
    }
  });
});

describe('deterministic context values', () => {
  test('ctx.now is the clock, recorded in the journal; ctx.random and ctx.uuid are seeded by the run id', async () => {
    const wf = defineWorkflow('values', async (ctx) => ({
      now: ctx.now(),
      random: [ctx.random(), ctx.random()],
      uuid: ctx.uuid(),
    }));
    const runOnce = async (id: string) => {
      const tutti = await createTutti({ store: createMemoryStore(), workflows: [wf] });
      try {
        const before = Date.now();
        const run = await tutti.start(wf, null, { id });
        const output = await run.result();
        const journal = (await tutti.store.readRunState(id))?.journal ?? [];
        return { output, before, after: Date.now(), journal };
      } finally {
        await tutti.close();
      }
    };
    const a = await runOnce('same-id');
    const b = await runOnce('same-id');
    const c = await runOnce('other-id');
    assert.ok(a.output.now >= a.before && a.output.now <= a.after);
    assert.deepEqual(
      a.journal.map((e) => [e.kind, e.output]),
      [['now', String(a.output.now)]],
    );
    for (const r of a.output.random) assert.ok(r >= 0 && r < 1);
    assert.notEqual(a.output.random[0], a.output.random[1]);
    assert.match(a.output.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual([b.output.random, b.output.uuid], [a.output.random, a.output.uuid]);
    assert.notDeepEqual(c.output.random, a.output.random);
    assert.notEqual(c.output.uuid, a.output.uuid);
  });
});

describe('concurrency', () => {
  test('steps started together with Promise.all run at the same time; results come back in call order', async () => {
    const bothStarted = barrier(2);
    const finished: string[] = [];
    const svc = defineService('par', {
      slow: async () => {
        await bothStarted();
        await sleep(15);
        finished.push('slow');
        return 'slow result';
      },
      quick: async () => {
        await bothStarted();
        finished.push('quick');
        return 'quick result';
      },
    });
    const wf = defineWorkflow('parallel', (ctx) =>
      Promise.all([
        ctx.step(svc.slow, undefined, { retry: { maxAttempts: 1 } }),
        ctx.step(svc.quick, undefined, { retry: { maxAttempts: 1 } }),
      ]),
    );
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      const run = await tutti.start(wf, null);
      assert.deepEqual(await run.result(), ['slow result', 'quick result']);
      assert.deepEqual(finished, ['quick', 'slow']);
      const journal = (await tutti.store.readRunState(run.id))?.journal ?? [];
      assert.deepEqual(
        journal.map((e) => [e.position, e.name]),
        [
          [0, 'par.slow'],
          [1, 'par.quick'],
        ],
      );
    } finally {
      await tutti.close();
    }
  });

  test("a service's concurrency limit caps how many of its steps run at once", async () => {
    let active = 0;
    let peak = 0;
    const svc = defineService(
      'narrow',
      {
        work: async (n: number) => {
          active++;
          peak = Math.max(peak, active);
          await sleep(3);
          active--;
          return n;
        },
      },
      { concurrency: 2 },
    );
    const wf = defineWorkflow('fanout', (ctx) =>
      Promise.all(Array.from({ length: 10 }, (_, i) => ctx.step(svc.work, i))),
    );
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    try {
      assert.deepEqual(await (await tutti.start(wf, null)).result(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(peak, 2);
    } finally {
      await tutti.close();
    }
  });
});

describe('child workflows', () => {
  const svc = defineService('kid', {
    ok: (n: number) => n + 1,
    fail: () => {
      throw new NonRetryableError('child step broke');
    },
  });
  const child = defineWorkflow('child', (ctx, n: number) => ctx.step(svc.ok, n));
  const failingChild = defineWorkflow('failingChild', (ctx) => ctx.step(svc.fail, undefined));

  test("a child's result flows into its parent; the child run records its parent", async () => {
    const parent = defineWorkflow('parent', async (ctx, n: number) => (await ctx.child(child, n)) * 2);
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [parent, child] });
    try {
      const run = await tutti.start(parent, 1, { id: 'p' });
      assert.equal(await run.result(), 4);
      const kids = await tutti.listRuns({ parentId: 'p' });
      assert.equal(kids.length, 1);
      assert.equal(kids[0]?.id, 'p/0');
      assert.equal(kids[0]?.workflow, 'child');
      assert.equal(kids[0]?.status, 'completed');
      assert.equal(kids[0]?.output, 2);
      const journal = (await tutti.store.readRunState('p'))?.journal ?? [];
      assert.deepEqual(
        journal.map((e) => [e.kind, e.name, e.output]),
        [['child', 'child', '2']],
      );
    } finally {
      await tutti.close();
    }
  });

  test('a child of an unregistered workflow fails in its parent with UnknownWorkflowError, and no child run is stored', async () => {
    const parent = defineWorkflow('parent', (ctx, n: number) => ctx.child(child, n));
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [parent] });
    try {
      const error = await rejection((await tutti.start(parent, 1, { id: 'p3' })).result());
      assert.ok(error instanceof RunFailedError);
      assert.ok(error.cause instanceof UnknownWorkflowError);
      assert.match((error.cause as Error).message, /unknown workflow 'child'.*createTutti/);
      assert.deepEqual(
        (await tutti.listRuns()).map((r) => r.id),
        ['p3'],
      );
    } finally {
      await tutti.close();
    }
  });

  test("a child's failure reaches its parent as RunFailedError carrying the child's error", async () => {
    let caught: unknown;
    const parent = defineWorkflow('parent', async (ctx) => {
      try {
        await ctx.child(failingChild, null, { id: 'the-kid' });
      } catch (error) {
        caught = error;
        throw error;
      }
    });
    const tutti = await createTutti({
      store: createMemoryStore(),
      services: [svc],
      workflows: [parent, failingChild],
    });
    try {
      const run = await tutti.start(parent, null, { id: 'p2' });
      const error = await rejection(run.result());
      assert.ok(caught instanceof RunFailedError);
      assert.equal(caught.runId, 'the-kid');
      assert.match(caught.message, /child step broke/);
      assert.equal((caught.cause as Error).name, 'StepFailedError');
      assert.ok(error instanceof RunFailedError);
      assert.equal(error.runId, 'p2');
      assert.equal(error.cause, caught);
      const kid = await tutti.getRun('the-kid');
      assert.equal(kid?.status, 'failed');
      assert.equal(kid?.parentId, 'p2');
      const kidError = await rejection((await tutti.handle('the-kid')).result());
      assert.ok(kidError instanceof RunFailedError);
      assert.equal((kidError.cause as Error).name, 'StepFailedError');
    } finally {
      await tutti.close();
    }
  });
});

describe('events', () => {
  test('lifecycle events fire with their payloads; unsubscribing stops them', async () => {
    let calls = 0;
    const svc = defineService('ev', {
      once: () => {
        if (++calls === 1) throw new Error('first try fails');
        return 'value';
      },
    });
    const wf = defineWorkflow('evented', (ctx) => ctx.step(svc.once, undefined, { retry: { initialInterval: 5 } }));
    const tutti = await createTutti({ store: createMemoryStore(), services: [svc], workflows: [wf] });
    const seen: string[] = [];
    const completed: unknown[] = [];
    tutti.events.on('run:started', (e) => seen.push(`run:started ${e.workflow}`));
    tutti.events.on('step:started', (e) => seen.push(`step:started ${e.step} #${e.attempt}`));
    tutti.events.on('step:retrying', (e) => seen.push(`step:retrying ${e.step} #${e.attempt}`));
    tutti.events.on('step:completed', (e) => completed.push(e));
    const off = tutti.events.on('run:completed', (e) => seen.push(`run:completed ${JSON.stringify(e.output)}`));
    try {
      const run = await tutti.start(wf, null, { id: 'ev-1' });
      await run.result();
      assert.deepEqual(seen, [
        'run:started evented',
        'step:started ev.once #1',
        'step:retrying ev.once #1',
        'step:started ev.once #2',
        'run:completed "value"',
      ]);
      assert.deepEqual(completed, [
        { runId: 'ev-1', workflow: 'evented', step: 'ev.once', position: 0, attempt: 2, output: 'value' },
      ]);
      off();
      await (await tutti.start(wf, null)).result();
      assert.equal(seen.filter((s) => s.startsWith('run:completed')).length, 1);
      assert.equal(completed.length, 2);
    } finally {
      await tutti.close();
    }
  });
});
