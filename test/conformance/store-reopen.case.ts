/**
 * The reopen cases of the store conformance suite (see store.case.ts): an operator's retry or
 * restart opens a finished run again from a journal position.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnknownRunError } from '../../src/core/errors.js';
import type { Store } from '../../src/store/store.js';
import { journalEntry, newRun, newTask, timer } from './store-fixtures.js';

export function reopenCases(currentStore: () => Store): void {
  describe('reopenRun', () => {
    it('removes journal entries, timers and tasks from a position on, and makes the run running again', async () => {
      const store = currentStore();
      await store.createRun(newRun('run-1', { input: '{"n":1}' }));
      await store.commit({
        runId: 'run-1',
        at: 10,
        journal: [0, 1, 2, 3].map((p) => journalEntry('run-1', p)),
        setTimer: timer('run-1', 4, 99),
        enqueue: [newTask('task-1', { position: 1 }), newTask('task-3', { position: 3 })],
      });
      await store.commit({ runId: 'run-1', at: 11, setTimer: timer('run-1', 1, 50) });
      await store.commit({ runId: 'run-1', at: 12, status: 'sleeping' });
      await store.reopenRun('run-1', { from: 2, at: 20 });

      const state = await store.readRunState('run-1');
      assert.deepEqual(
        state?.journal.map((e) => e.position),
        [0, 1],
      );
      assert.deepEqual(
        state?.timers.map((t) => t.position),
        [1],
      );
      assert.equal(state?.run.status, 'running');
      assert.equal(state?.run.updatedAt, 20);
      assert.equal(state?.run.input, '{"n":1}');
      assert.notEqual(await store.getTask('task-1'), undefined);
      assert.equal(await store.getTask('task-3'), undefined);
    });

    it('clears a failed run’s error, and takes a new input when given one', async () => {
      const store = currentStore();
      await store.createRun(newRun('run-1', { input: '{"n":1}' }));
      await store.commit({
        runId: 'run-1',
        at: 5,
        journal: [journalEntry('run-1', 0)],
        status: 'failed',
        error: '{"e":1}',
      });
      await store.reopenRun('run-1', { from: 0, at: 6, input: '{"n":2}' });
      const run = await store.getRun('run-1');
      assert.deepEqual([run?.status, run?.error, run?.output, run?.input], ['running', null, null, '{"n":2}']);
      assert.deepEqual((await store.readRunState('run-1'))?.journal, []);
    });

    it('refuses an unknown run with UnknownRunError', async () => {
      await assert.rejects(currentStore().reopenRun('nope', { from: 0, at: 1 }), UnknownRunError);
    });
  });
}
