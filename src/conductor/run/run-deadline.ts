/**
 * A workflow definition's `timeoutSeconds` with `timeoutPolicy: TIME_OUT_WF`: the run fails once
 * it is past `timeoutSeconds` from its start. Checked as Conductor's decider checks it, when the
 * run moves on (before each task), and bounding what a task waits: a worker's attempt, a WAIT's
 * sleep or wait for its signal end at the deadline. A child run has its own definition's timeout.
 * ALERT_ONLY (Conductor's default) and 0 seconds enforce nothing.
 *
 * Time is read with `ctx.now()` (journaled), so a replay reaches the same verdicts.
 */
import { NonRetryableError } from '../../core/errors.js';
import type { WorkflowContext } from '../../core/types.js';
import type { WorkflowDef } from '../model.js';

/** The run was past its definition's `timeoutSeconds`; its `failureWorkflow` sees `failureStatus: 'TIMED_OUT'`. */
export class WorkflowTimedOutError extends NonRetryableError {
  constructor(workflow: string, seconds: number, where: string) {
    super(
      `workflow '${workflow}' timed out: it ran past its timeoutSeconds (${seconds} s) ${where}; raise timeoutSeconds, or set timeoutPolicy ALERT_ONLY`,
    );
    this.name = 'WorkflowTimedOutError';
  }
}

export class RunDeadline {
  private constructor(
    private readonly ctx: WorkflowContext,
    private readonly def: WorkflowDef,
    /** Epoch ms; undefined: no deadline. */
    private readonly at: number | undefined,
  ) {}

  static start(def: WorkflowDef, ctx: WorkflowContext): RunDeadline {
    const seconds = def.timeoutSeconds ?? 0;
    const enforced = def.timeoutPolicy === 'TIME_OUT_WF' && seconds > 0;
    return new RunDeadline(ctx, def, enforced ? ctx.now() + seconds * 1000 : undefined);
  }

  /** The ms left (undefined without a deadline); throws WorkflowTimedOutError when none is. */
  check(where: string): number | undefined {
    if (this.at === undefined) return undefined;
    const left = this.at - this.ctx.now();
    if (left <= 0) throw this.timedOut(where);
    return left;
  }

  timedOut(where: string): WorkflowTimedOutError {
    return new WorkflowTimedOutError(this.def.name, this.def.timeoutSeconds ?? 0, where);
  }
}
