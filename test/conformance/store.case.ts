/**
 * The store port's conformance suite: every adapter runs it, the in-memory reference included
 * (test/conformance/<adapter>-store.test.ts). Each case gets a fresh, empty store from `open`
 * and gives it back with `cleanup`.
 *
 * Writes that must share a batch are submitted without awaiting between them: the group commit
 * gathers everything submitted in one event-loop turn.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { RunStatus, Store, Transition } from '../../src/store/store.js';
import { eventLogCases } from './event-log.case.js';
import { definitionCases } from './store-definitions.case.js';
import { journalEntry, newRun, newTask, timer } from './store-fixtures.js';
import { reopenCases } from './store-reopen.case.js';
import { taskCases } from './store-tasks.case.js';
import { tokenCases } from './store-tokens.case.js';

export interface OpenedStore {
  store: Store;
  /** Closes the store (it may already be closed) and removes what it left behind. */
  cleanup(): Promise<void>;
}

export function storeConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(`store conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(() => opened.cleanup());

    describe('createRun', () => {
      it('creates a running run with no outcome yet', async () => {
        const result = await store.createRun(newRun('run-1', { parentId: 'parent-1' }));
        const expected = { ...newRun('run-1', { parentId: 'parent-1' }), status: 'running', output: null, error: null };
        assert.deepEqual(result, { run: { ...expected, updatedAt: 1_000 }, created: true });
        assert.deepEqual(await store.getRun('run-1'), { ...expected, updatedAt: 1_000 });
        assert.equal(await store.getRun('run-unknown'), undefined);
      });

      it('is idempotent: a second create returns the original run unchanged, with created false', async () => {
        await store.createRun(newRun('run-1'));
        await store.commit({ runId: 'run-1', at: 1_500, status: 'sleeping' });
        const original = await store.getRun('run-1');
        const again = await store.createRun(newRun('run-1', { workflow: 'other', input: null, createdAt: 9_000 }));
        assert.equal(again.created, false);
        assert.deepEqual(again.run, original);
        assert.deepEqual(await store.getRun('run-1'), original);
      });

      it('creates a run once when two creates of its id share a batch', async () => {
        const [first, second] = await Promise.all([
          store.createRun(newRun('run-1')),
          store.createRun(newRun('run-1', { workflow: 'other' })),
        ]);
        assert.equal(first.created, true);
        assert.equal(second.created, false);
        assert.equal(second.run.workflow, 'order');
        assert.equal((await store.listRuns()).length, 1);
      });
    });

    describe('commit', () => {
      it('changes status, output and error and stamps updatedAt', async () => {
        await store.createRun(newRun('run-1'));
        await store.commit({ runId: 'run-1', at: 1_100, status: 'completed', output: '{"ok":1}', error: '{"e":1}' });
        const run = await store.getRun('run-1');
        assert.equal(run?.status, 'completed');
        assert.equal(run?.output, '{"ok":1}');
        assert.equal(run?.error, '{"e":1}');
        assert.equal(run?.updatedAt, 1_100);
        assert.equal(run?.createdAt, 1_000);
      });

      it('leaves fields the transition omits, and clears those it sets to null', async () => {
        await store.createRun(newRun('run-1'));
        await store.commit({ runId: 'run-1', at: 1_100, status: 'failed', output: '"x"', error: '"boom"' });
        await store.commit({ runId: 'run-1', at: 1_200 });
        assert.deepEqual(
          { ...(await store.getRun('run-1')) },
          { ...newRun('run-1'), status: 'failed', output: '"x"', error: '"boom"', updatedAt: 1_200 },
        );
        await store.commit({ runId: 'run-1', at: 1_300, output: null, error: null });
        const run = await store.getRun('run-1');
        assert.deepEqual([run?.status, run?.output, run?.error], ['failed', null, null]);
      });

      it('rejects a transition to an unknown run with UnknownRunError, writing nothing', async () => {
        await assert.rejects(
          store.commit({
            runId: 'run-unknown',
            at: 1,
            journal: [journalEntry('run-unknown', 0)],
            setTimer: timer('run-unknown', 1, 10),
            enqueue: [newTask('task-1', { runId: 'run-unknown' })],
          }),
          { name: 'UnknownRunError', code: 'UNKNOWN_RUN' },
        );
        assert.equal(await store.readRunState('run-unknown'), undefined);
        assert.deepEqual(await store.dueTimers(Number.MAX_SAFE_INTEGER, 10), []);
        assert.deepEqual(await store.claimTasks('payments', 'worker-1', 10, 1_000, 0), []);
      });

      it('applies a transition to a run created in the same batch', async () => {
        const created = store.createRun(newRun('run-1'));
        const committed = store.commit({ runId: 'run-1', at: 1_100, status: 'sleeping' });
        await Promise.all([created, committed]);
        assert.equal((await store.getRun('run-1'))?.status, 'sleeping');
      });

      it('applies the transitions of one run in the order they were issued', async () => {
        await store.createRun(newRun('run-1'));
        const statuses: RunStatus[] = ['running', 'sleeping', 'retrying', 'compensating'];
        const pending: Promise<void>[] = [];
        for (let i = 0; i < 40; i++) {
          pending.push(
            store.commit({
              runId: 'run-1',
              at: 2_000 + i,
              status: statuses[i % statuses.length],
              journal: [journalEntry('run-1', i)],
              clearTimer: i - 1,
              setTimer: timer('run-1', i, 5_000 + i),
            }),
          );
          // Half of them in later batches: order holds across batches too.
          if (i === 20) await Promise.all(pending);
        }
        await Promise.all(pending);
        const state = await store.readRunState('run-1');
        assert.equal(state?.run.status, 'compensating'); // statuses[39 % 4]
        assert.equal(state?.run.updatedAt, 2_039);
        assert.deepEqual(
          state?.journal.map((e) => e.position),
          Array.from({ length: 40 }, (_, i) => i),
        );
        assert.deepEqual(state?.timers, [timer('run-1', 39, 5_039)]);
      });

      it('lands a burst of 1,500 runs with 3 transitions each, in order, whatever the batching', async () => {
        const pending: Promise<unknown>[] = [];
        for (let r = 0; r < 1_500; r++) {
          const runId = `run-${r}`;
          pending.push(store.createRun(newRun(runId)));
          for (let i = 0; i < 2; i++)
            pending.push(store.commit({ runId, at: 2_000 + i, journal: [journalEntry(runId, i)] }));
          pending.push(store.commit({ runId, at: 3_000, status: 'completed', output: `${r}` }));
        }
        await Promise.all(pending);
        for (const r of [0, 499, 500, 1_499]) {
          const state = await store.readRunState(`run-${r}`);
          assert.deepEqual(
            [state?.run.status, state?.run.output, state?.run.updatedAt, state?.journal.length],
            ['completed', `${r}`, 3_000, 2],
          );
        }
        assert.equal((await store.listRuns({ status: ['completed'], limit: 2_000 })).length, 1_500);
      });

      it('makes every resolved write visible to reads', async () => {
        await store.createRun(newRun('run-1'));
        for (let i = 0; i < 5; i++) {
          await store.commit({
            runId: 'run-1',
            at: 1_100 + i,
            journal: [journalEntry('run-1', i)],
            setTimer: timer('run-1', 100 + i, 10 + i),
            enqueue: [newTask(`task-${i}`)],
          });
          const state = await store.readRunState('run-1');
          assert.equal(state?.journal.length, i + 1);
          assert.equal(state?.timers.length, i + 1);
          assert.equal((await store.getRun('run-1'))?.updatedAt, 1_100 + i);
          assert.equal((await store.dueTimers(1_000, 100)).length, i + 1);
        }
        assert.equal((await store.claimTasks('payments', 'worker-1', 100, 1_000, 0)).length, 5);
      });
    });

    describe('journal', () => {
      it('reads the journal in position order, even when committed out of order, fields intact', async () => {
        await store.createRun(newRun('run-1'));
        const failed = journalEntry('run-1', 0, { ok: false, output: '{"message":"declined"}', attempts: 3 });
        const sleep = journalEntry('run-1', 1, { kind: 'sleep', name: 'sleep', output: null });
        const child = journalEntry('run-1', 2, { kind: 'child', name: 'shipping' });
        await store.commit({ runId: 'run-1', at: 1, journal: [child] });
        await store.commit({ runId: 'run-1', at: 2, journal: [failed] });
        await store.commit({ runId: 'run-1', at: 3, journal: [sleep] });
        assert.deepEqual((await store.readRunState('run-1'))?.journal, [failed, sleep, child]);
      });

      it('keeps the journals of different runs apart', async () => {
        await Promise.all([store.createRun(newRun('run-1')), store.createRun(newRun('run-2'))]);
        await store.commit({ runId: 'run-1', at: 1, journal: [journalEntry('run-1', 0)] });
        await store.commit({ runId: 'run-2', at: 1, journal: [journalEntry('run-2', 0), journalEntry('run-2', 1)] });
        assert.deepEqual((await store.readRunState('run-1'))?.journal, [journalEntry('run-1', 0)]);
        assert.equal((await store.readRunState('run-2'))?.journal.length, 2);
      });

      it('fails a whole transition that writes a written position again, with JournalConflictError', async () => {
        await store.createRun(newRun('run-1'));
        await store.commit({ runId: 'run-1', at: 1_100, journal: [journalEntry('run-1', 0)] });
        const before = await store.readRunState('run-1');
        await assert.rejects(
          store.commit({
            runId: 'run-1',
            at: 1_200,
            status: 'completed',
            output: '"done"',
            journal: [journalEntry('run-1', 1), journalEntry('run-1', 0, { name: 'other.step' })],
            setTimer: timer('run-1', 2, 10),
            enqueue: [newTask('task-1')],
          }),
          { name: 'JournalConflictError', code: 'JOURNAL_CONFLICT' },
        );
        assert.deepEqual(await store.readRunState('run-1'), before);
        assert.deepEqual(await store.claimTasks('payments', 'worker-1', 10, 1_000, 0), []);
      });

      it('fails a whole transition that writes one position twice', async () => {
        await store.createRun(newRun('run-1'));
        await assert.rejects(
          store.commit({
            runId: 'run-1',
            at: 1_100,
            status: 'sleeping',
            journal: [journalEntry('run-1', 3), journalEntry('run-1', 3)],
          }),
          { code: 'JOURNAL_CONFLICT' },
        );
        const state = await store.readRunState('run-1');
        assert.deepEqual([state?.run.status, state?.run.updatedAt, state?.journal], ['running', 1_000, []]);
      });

      it('fails a bad transition alone when it shares a batch with good ones', async () => {
        await Promise.all([store.createRun(newRun('run-1')), store.createRun(newRun('run-2'))]);
        await store.commit({ runId: 'run-1', at: 1_100, journal: [journalEntry('run-1', 0)] });
        const transitions: Transition[] = [
          { runId: 'run-1', at: 1_200, status: 'sleeping', setTimer: timer('run-1', 1, 50) },
          { runId: 'run-1', at: 1_300, status: 'failed', journal: [journalEntry('run-1', 0)] },
          { runId: 'run-2', at: 1_400, status: 'completed', journal: [journalEntry('run-2', 0)] },
          { runId: 'run-unknown', at: 1_500, status: 'completed' },
          { runId: 'run-1', at: 1_600, journal: [journalEntry('run-1', 1)], enqueue: [newTask('task-1')] },
        ];
        const results = await Promise.allSettled(transitions.map((t) => store.commit(t)));
        assert.deepEqual(
          results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok')),
          ['ok', 'JOURNAL_CONFLICT', 'ok', 'UNKNOWN_RUN', 'ok'],
        );
        const run1 = await store.readRunState('run-1');
        assert.deepEqual([run1?.run.status, run1?.run.updatedAt], ['sleeping', 1_600]);
        assert.deepEqual(run1?.journal, [journalEntry('run-1', 0), journalEntry('run-1', 1)]);
        assert.deepEqual(run1?.timers, [timer('run-1', 1, 50)]);
        assert.equal((await store.getRun('run-2'))?.status, 'completed');
        assert.equal((await store.claimTasks('payments', 'worker-1', 10, 1_000, 0)).length, 1);
      });

      it('lands the first of two transitions of one batch that write the same position, and fails the second', async () => {
        await store.createRun(newRun('run-1'));
        const results = await Promise.allSettled([
          store.commit({ runId: 'run-1', at: 1_100, status: 'sleeping', journal: [journalEntry('run-1', 0)] }),
          store.commit({
            runId: 'run-1',
            at: 1_200,
            status: 'failed',
            journal: [journalEntry('run-1', 0, { name: 'b' })],
          }),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected'],
        );
        const state = await store.readRunState('run-1');
        assert.deepEqual([state?.run.status, state?.journal], ['sleeping', [journalEntry('run-1', 0)]]);
      });
    });

    describe('timers', () => {
      it('sets, replaces and clears the timers of a run, listed by position', async () => {
        await store.createRun(newRun('run-1'));
        await store.commit({ runId: 'run-1', at: 1, setTimer: timer('run-1', 4, 300) });
        await store.commit({ runId: 'run-1', at: 2, setTimer: timer('run-1', 2, 100, { kind: 'retry', attempt: 2 }) });
        assert.deepEqual((await store.readRunState('run-1'))?.timers, [
          timer('run-1', 2, 100, { kind: 'retry', attempt: 2 }),
          timer('run-1', 4, 300),
        ]);
        await store.commit({ runId: 'run-1', at: 3, setTimer: timer('run-1', 2, 200, { kind: 'retry', attempt: 3 }) });
        await store.commit({ runId: 'run-1', at: 4, clearTimer: 4 });
        await store.commit({ runId: 'run-1', at: 5, clearTimer: 9 });
        assert.deepEqual((await store.readRunState('run-1'))?.timers, [
          timer('run-1', 2, 200, { kind: 'retry', attempt: 3 }),
        ]);
      });

      it('clears before it sets when a transition does both', async () => {
        await store.createRun(newRun('run-1'));
        await store.commit({ runId: 'run-1', at: 1, setTimer: timer('run-1', 1, 100) });
        await store.commit({ runId: 'run-1', at: 2, clearTimer: 1, setTimer: timer('run-1', 1, 200, { attempt: 1 }) });
        assert.deepEqual((await store.readRunState('run-1'))?.timers, [timer('run-1', 1, 200, { attempt: 1 })]);
        await store.commit({ runId: 'run-1', at: 3, clearTimer: 1, setTimer: timer('run-1', 2, 300) });
        assert.deepEqual((await store.readRunState('run-1'))?.timers, [timer('run-1', 2, 300)]);
      });

      it('lists due timers across runs, earliest first, at or before `until`, up to `limit`', async () => {
        await Promise.all(['run-1', 'run-2', 'run-3'].map((id) => store.createRun(newRun(id))));
        await Promise.all([
          store.commit({ runId: 'run-1', at: 1, setTimer: timer('run-1', 0, 500) }),
          store.commit({ runId: 'run-2', at: 1, setTimer: timer('run-2', 3, 100) }),
          store.commit({ runId: 'run-3', at: 1, setTimer: timer('run-3', 1, 300) }),
          store.commit({ runId: 'run-3', at: 2, setTimer: timer('run-3', 7, 900) }),
        ]);
        assert.deepEqual(await store.dueTimers(500, 10), [
          timer('run-2', 3, 100),
          timer('run-3', 1, 300),
          timer('run-1', 0, 500),
        ]);
        assert.deepEqual(await store.dueTimers(499, 10), [timer('run-2', 3, 100), timer('run-3', 1, 300)]);
        assert.deepEqual(await store.dueTimers(10_000, 2), [timer('run-2', 3, 100), timer('run-3', 1, 300)]);
        assert.deepEqual(await store.dueTimers(99, 10), []);
      });
    });

    describe('listRuns', () => {
      const ids = (runs: { id: string }[]) => runs.map((run) => run.id);

      it('lists runs newest first, by creation order rather than createdAt', async () => {
        await store.createRun(newRun('run-a', { createdAt: 3_000 }));
        await store.createRun(newRun('run-b', { createdAt: 1_000 }));
        await Promise.all([
          store.createRun(newRun('run-c', { createdAt: 1_000 })),
          store.createRun(newRun('run-d', { createdAt: 1_000 })),
        ]);
        assert.deepEqual(ids(await store.listRuns()), ['run-d', 'run-c', 'run-b', 'run-a']);
      });

      it('returns at most 100 runs by default, and at most `limit` when given', async () => {
        await Promise.all(Array.from({ length: 105 }, (_, i) => store.createRun(newRun(`run-${i}`))));
        const all = await store.listRuns();
        assert.equal(all.length, 100);
        assert.equal(all[0]?.id, 'run-104');
        assert.deepEqual(ids(await store.listRuns({ limit: 3 })), ['run-104', 'run-103', 'run-102']);
      });

      it('filters by status (any of several), workflow and parent', async () => {
        await store.createRun(newRun('run-1', { workflow: 'order' }));
        await store.createRun(newRun('run-2', { workflow: 'refund', parentId: 'run-1' }));
        await store.createRun(newRun('run-3', { workflow: 'order', parentId: 'run-1' }));
        await store.createRun(newRun('run-4', { workflow: 'order' }));
        await store.commit({ runId: 'run-2', at: 1, status: 'sleeping' });
        await store.commit({ runId: 'run-3', at: 1, status: 'completed' });
        assert.deepEqual(ids(await store.listRuns({ status: ['sleeping', 'completed'] })), ['run-3', 'run-2']);
        assert.deepEqual(ids(await store.listRuns({ status: ['running'] })), ['run-4', 'run-1']);
        assert.deepEqual(ids(await store.listRuns({ status: [] })), []);
        assert.deepEqual(ids(await store.listRuns({ workflow: 'order' })), ['run-4', 'run-3', 'run-1']);
        assert.deepEqual(ids(await store.listRuns({ parentId: 'run-1' })), ['run-3', 'run-2']);
        assert.deepEqual(ids(await store.listRuns({ parentId: 'run-1', workflow: 'order', status: ['completed'] })), [
          'run-3',
        ]);
        assert.deepEqual(ids(await store.listRuns({ workflow: 'unknown' })), []);
      });

      it('pages with `before`: every run once, newest first, filters kept', async () => {
        for (let i = 0; i < 7; i++) {
          await store.createRun(newRun(`run-${i}`, { workflow: i % 2 === 0 ? 'even' : 'odd' }));
        }
        const seen: string[] = [];
        let page = await store.listRuns({ limit: 3 });
        while (page.length > 0) {
          seen.push(...ids(page));
          page = await store.listRuns({ limit: 3, before: page.at(-1)?.id });
        }
        assert.deepEqual(seen, ['run-6', 'run-5', 'run-4', 'run-3', 'run-2', 'run-1', 'run-0']);
        assert.deepEqual(ids(await store.listRuns({ workflow: 'even', before: 'run-4' })), ['run-2', 'run-0']);
        assert.deepEqual(ids(await store.listRuns({ workflow: 'even', before: 'run-5', limit: 1 })), ['run-4']);
        assert.deepEqual(ids(await store.listRuns({ before: 'run-0' })), []);
      });

      it('returns nothing for a `before` that names no run', async () => {
        await store.createRun(newRun('run-1'));
        assert.deepEqual(await store.listRuns({ before: 'run-unknown' }), []);
      });
    });

    taskCases(() => store);
    eventLogCases(() => store);
    definitionCases(() => store);
    tokenCases(() => store);
    reopenCases(() => store);

    describe('close', () => {
      it('lands writes submitted before close', async () => {
        const created = store.createRun(newRun('run-1'));
        const committed = store.commit({ runId: 'run-1', at: 1_100, status: 'completed' });
        await store.close();
        assert.equal((await created).created, true);
        await committed;
      });

      it('rejects every operation afterwards with StoreClosedError; closing again is fine', async () => {
        await store.createRun(newRun('run-1'));
        await store.close();
        await store.close();
        const closed = { name: 'StoreClosedError', code: 'STORE_CLOSED' };
        await assert.rejects(store.createRun(newRun('run-2')), closed);
        await assert.rejects(store.commit({ runId: 'run-1', at: 1 }), closed);
        await assert.rejects(store.getRun('run-1'), closed);
        await assert.rejects(store.listRuns(), closed);
        await assert.rejects(store.readRunState('run-1'), closed);
        await assert.rejects(store.dueTimers(0, 1), closed);
        await assert.rejects(store.claimTasks('payments', 'worker-a', 1, 1_000, 0), closed);
        await assert.rejects(store.extendTaskLease('task-1', 'worker-a', 1_000, 0), closed);
        await assert.rejects(store.completeTask('task-1', 'worker-a', '{}'), closed);
        await assert.rejects(store.releaseTask('task-1', 'worker-a', 0), closed);
      });
    });
  });
}
