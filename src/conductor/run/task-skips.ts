/**
 * Conductor's skip task: an operator marks a task of a running workflow SKIPPED before the run
 * reaches it, with the input and output it should show; the run then carries on past it as if
 * it had completed with that output.
 *
 * Why a position: a run's decisions must replay identically, and a skip arrives from outside at
 * any moment. So a skip is made while the run is held still (nothing of it runs) and carries the
 * journal position the run's journal ended at (`from`). A task reached before that position ran (or
 * was under way) before the skip existed, and replays that way; the first time the task is
 * reached at or after `from` is the skip. Both are facts of the journal, so every replay agrees.
 */
import type { JsonObject } from '../model.js';

export interface TaskSkip {
  taskReferenceName: string;
  /** The run's journal position when the skip was made: it applies to the task reached from there on. */
  from: number;
  /** What the skipped task shows as its input. @default {} */
  taskInput: JsonObject;
  /** What the skipped task shows as its output, for the expressions of the tasks after it. @default {} */
  taskOutput: JsonObject;
}

/** The skips made for run `runId`, by task reference name (undefined: none). */
export type TaskSkipLookup = (
  runId: string,
) => ReadonlyMap<string, TaskSkip> | undefined | Promise<ReadonlyMap<string, TaskSkip> | undefined>;

/** The skips of one run that its tasks have not reached yet. */
export class PendingSkips {
  private constructor(private readonly left: Map<string, TaskSkip>) {}

  static of(skips: ReadonlyMap<string, TaskSkip> | undefined): PendingSkips | undefined {
    return skips && skips.size > 0 ? new PendingSkips(new Map(skips)) : undefined;
  }

  /**
   * The skip of task `ref`, reached now at journal position `position`, if it applies. Only the
   * first time a task is reached counts: reached before the skip was made, it ran, and a later
   * reach (a loop's next iteration) is another task in Conductor's eyes.
   */
  take(ref: string, position: number): TaskSkip | undefined {
    const skip = this.left.get(ref);
    if (!skip) return undefined;
    this.left.delete(ref);
    return position >= skip.from ? skip : undefined;
  }
}
