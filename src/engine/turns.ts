/**
 * The order in which a run's calls hand their outcomes back to the workflow function, so that a
 * replay takes the same positions as the first run did, also when calls run in parallel.
 *
 * Why: a call takes its position when it is made. With `Promise.all` over branches of several
 * calls each, which branch makes its next call first depends on which of the earlier calls
 * finished first. A replay returns recorded outcomes at once, so without an order it would let
 * the branches go on in another order, and a branch's next call would take a position (and a
 * recorded result) that belonged to the other branch.
 *
 * How: every call that finishes is stamped when its journal entry is made (`finishedAt`, made
 * strictly increasing within a run), and outcomes are handed back in stamp order, one per turn
 * of the event loop, so that what the workflow does with one (its next calls) is done before the
 * next is handed back. A replay hands back the recorded outcomes in the same order, then the
 * live ones. When the workflow does not make the call the journal has next (its code changed, or
 * it waits on something that is not a context call), the earliest outcome that is waiting goes
 * first instead, as if unordered; the journal's kind-and-name check still catches a divergence.
 */
import type { JournalEntry } from '../store/store.js';

/** Journal kinds whose outcome is handed back through turns: `now` is synchronous, compensations run after the workflow. */
const isOrdered = (kind: JournalEntry['kind']) => kind !== 'now' && kind !== 'compensation';

const NONE: readonly number[] = [];

export class Turns {
  /** Recorded positions in the order their outcomes were handed back the first time. */
  private readonly recorded: readonly number[] = NONE;
  /** Index in `recorded` of the first position not handed back yet. */
  private recordedHead = 0;
  /** Recorded positions not handed back yet (undefined once there are none: a fresh run has none). */
  private recordedLeft: Set<number> | undefined;
  /** Positions stamped in this process, in stamp order (after every recorded one). */
  private live: number[] = [];
  private liveHead = 0;
  /** Live positions handed back out of order (rare: only when the journal's next call is not made). */
  private liveReleased: Set<number> | undefined;
  private waiting: Map<number, () => void> | undefined;
  private scheduled = false;
  private lastStamp = 0;

  constructor(journal: Iterable<JournalEntry>) {
    const ordered: JournalEntry[] = [];
    for (const entry of journal) {
      if (entry.finishedAt > this.lastStamp) this.lastStamp = entry.finishedAt;
      if (isOrdered(entry.kind)) ordered.push(entry);
    }
    if (ordered.length === 0) return;
    // Journals written before stamps were strictly increasing have ties: position order breaks them.
    ordered.sort((a, b) => a.finishedAt - b.finishedAt || a.position - b.position);
    this.recorded = ordered.map((entry) => entry.position);
    this.recordedLeft = new Set(this.recorded);
  }

  /**
   * The `finishedAt` of a journal entry made now: the clock, or one more than the last stamp when
   * the clock has not moved (or went back), so that stamps order the run's outcomes.
   */
  stamp(now: number, position: number, kind: JournalEntry['kind']): number {
    this.lastStamp = now > this.lastStamp ? now : this.lastStamp + 1;
    if (isOrdered(kind)) this.live.push(position);
    return this.lastStamp;
  }

  /**
   * Resolves when the outcome of the call at `position` may go back to the workflow; at once
   * (undefined) for a call that has no stamped or recorded outcome (it was stopped before), and
   * for a live call that is next in order while no other call of the run is in flight (`alone`):
   * then nothing else can move in between, and sequential workflows pay no turn per call.
   */
  turn(position: number, alone: boolean): Promise<void> | undefined {
    if (this.recordedLeft?.has(position)) return this.wait(position);
    if (!this.liveLeft(position)) return undefined;
    if (alone && this.recordedLeft === undefined && !this.waiting?.size && this.live[this.liveHead] === position) {
      this.advanceLive();
      return undefined;
    }
    return this.wait(position);
  }

  private liveLeft(position: number): boolean {
    if (this.liveReleased?.has(position)) return false;
    for (let i = this.liveHead; i < this.live.length; i++) if (this.live[i] === position) return true;
    return false;
  }

  private advanceLive(): void {
    this.liveHead++;
    while (this.liveHead < this.live.length && this.liveReleased?.delete(this.live[this.liveHead] as number)) {
      this.liveHead++;
    }
    if (this.liveHead === this.live.length) {
      this.live.length = 0;
      this.liveHead = 0;
    }
  }

  private wait(position: number): Promise<void> {
    this.waiting ??= new Map();
    const waiting = this.waiting;
    return new Promise((resolve) => {
      waiting.set(position, resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.pump);
  }

  /** One turn: hand back the next outcome in order, if its call is waiting for it. */
  private readonly pump = (): void => {
    this.scheduled = false;
    const waiting = this.waiting;
    if (!waiting) return;
    const next = this.head();
    if (next === undefined) return;
    let chosen: number | undefined = next;
    if (!waiting.has(next)) {
      // A live call stamped but not settled yet (an emit waiting for durability) keeps its place.
      if (this.recordedLeft === undefined) return;
      chosen = this.earliestWaiting(waiting);
      if (chosen === undefined) return;
    }
    const resolve = waiting.get(chosen) as () => void;
    waiting.delete(chosen);
    this.release(chosen);
    resolve();
    if (waiting.size > 0) this.schedule();
  };

  private release(position: number): void {
    const recordedLeft = this.recordedLeft;
    if (recordedLeft?.delete(position)) {
      if (recordedLeft.size === 0) this.recordedLeft = undefined;
    } else if (this.live[this.liveHead] === position) {
      this.advanceLive();
    } else {
      this.liveReleased ??= new Set();
      this.liveReleased.add(position);
    }
  }

  /** The next position in order whose outcome has not gone back yet. */
  private head(): number | undefined {
    const recordedLeft = this.recordedLeft;
    if (recordedLeft) {
      while (this.recordedHead < this.recorded.length) {
        const position = this.recorded[this.recordedHead] as number;
        if (recordedLeft.has(position)) return position;
        this.recordedHead++;
      }
    }
    return this.liveHead < this.live.length ? this.live[this.liveHead] : undefined;
  }

  /** The waiting call whose outcome comes first in order (only when the journal's next call was not made). */
  private earliestWaiting(waiting: Map<number, () => void>): number | undefined {
    for (let i = this.recordedHead; i < this.recorded.length; i++) {
      const position = this.recorded[i] as number;
      if (waiting.has(position) && this.recordedLeft?.has(position)) return position;
    }
    for (let i = this.liveHead; i < this.live.length; i++) {
      const position = this.live[i] as number;
      if (waiting.has(position) && !this.liveReleased?.has(position)) return position;
    }
    return undefined;
  }
}
