/**
 * What an operator does to a run from outside (Conductor's pause, resume, retry and restart):
 * the checks and the journal position each starts from. The engine (tutti.ts) applies them.
 *
 * - pause: the run stops where it is (its steps under way in this process are abandoned and run
 *   again on resume; its remote tasks stay with their workers) and is not resumed on restart;
 * - resume: a paused run carries on from its journal;
 * - retry: a failed or cancelled run runs again from its last failed call (a failed child run is
 *   retried with it), or from where it was cancelled; what it recorded before stays;
 * - restart: a finished run runs again from the start, with the same or a new input, or from a
 *   given journal position (Conductor's rerun from a task), replaying the calls before it.
 * Runs whose compensations ran are not retried or restarted: what they undid would be redone
 * on top of the undoing; start a new run instead.
 */
import { ConfigError, RunStateError } from '../core/errors.js';
import { isFinished, type RunRecord, type RunState } from '../store/store.js';

export function checkPausable(run: RunRecord): void {
  if (isFinished(run.status)) throw new RunStateError(run.id, `is ${run.status}; only a run in flight can be paused`);
}

export function checkPaused(run: RunRecord): void {
  if (run.status !== 'paused')
    throw new RunStateError(run.id, `is ${run.status}, not paused; there is nothing to resume`);
}

/** The journal position a retry starts from: the last failed call, else just after the last call. */
export function retryPosition(state: RunState): number {
  const { run, journal } = state;
  if (run.status !== 'failed' && run.status !== 'cancelled') {
    throw new RunStateError(run.id, `is ${run.status}; only a failed or cancelled run can be retried`);
  }
  refuseCompensated(state, 'retried');
  const failed = journal.findLast((entry) => !entry.ok);
  if (failed) return failed.position;
  return (journal.at(-1)?.position ?? -1) + 1;
}

/**
 * The journal position a restart starts from: 0, or `from` (Conductor's rerun from a task): the
 * calls before it keep their recorded outcomes and the run replays through them. A new input
 * only goes with a restart from 0: the calls before `from` were made with the old one.
 */
export function restartPosition(state: RunState, from: number | undefined, newInput: boolean): number {
  const { run, journal } = state;
  if (!isFinished(run.status)) {
    throw new RunStateError(run.id, `is ${run.status}; only a finished run can be restarted (cancel it first)`);
  }
  refuseCompensated(state, 'restarted');
  if (from === undefined || from === 0) return 0;
  if (!Number.isSafeInteger(from) || from < 0) {
    throw new ConfigError(`restart: from must be a journal position (a whole number from 0); got ${from}`);
  }
  const end = (journal.at(-1)?.position ?? -1) + 1;
  if (from > end) {
    throw new RunStateError(
      run.id,
      `has recorded calls at positions 0 to ${end - 1}; a restart can start from 0 to ${end}, not ${from}`,
    );
  }
  if (newInput) {
    throw new ConfigError(
      `restart: a new input goes only with a restart from the start; the calls before position ${from} were made with the old one`,
    );
  }
  return from;
}

function refuseCompensated(state: RunState, what: string): void {
  if (state.journal.some((entry) => entry.kind === 'compensation')) {
    throw new RunStateError(
      state.run.id,
      `ran compensations, so it cannot be ${what}: they undid what it did; start a new run instead`,
    );
  }
}
