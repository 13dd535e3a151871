/**
 * What an operator does to a run from outside (Conductor's pause, resume, retry and restart):
 * the checks and the journal position each starts from. The engine (tutti.ts) applies them.
 *
 * - pause: the run stops where it is (its steps under way in this process are abandoned and run
 *   again on resume; its remote tasks stay with their workers) and is not resumed on restart;
 * - resume: a paused run carries on from its journal;
 * - retry: a failed or cancelled run runs again from its last failed call (a failed child run is
 *   retried with it), or from where it was cancelled; what it recorded before stays;
 * - restart: a finished run runs again from the start, with the same or a new input.
 * Runs whose compensations ran are not retried or restarted: what they undid would be redone
 * on top of the undoing; start a new run instead.
 */
import { RunStateError } from '../core/errors.js';
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

export function checkRestartable(state: RunState): void {
  const { run } = state;
  if (!isFinished(run.status)) {
    throw new RunStateError(run.id, `is ${run.status}; only a finished run can be restarted (cancel it first)`);
  }
  refuseCompensated(state, 'restarted');
}

function refuseCompensated(state: RunState, what: string): void {
  if (state.journal.some((entry) => entry.kind === 'compensation')) {
    throw new RunStateError(
      state.run.id,
      `ran compensations, so it cannot be ${what}: they undid what it did; start a new run instead`,
    );
  }
}
