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
const ORDERED = new Set<JournalEntry['kind']>(['step', 'sleep', 'child', 'emit', 'event', 'signal']);

export class Turns {
  /** Recorded positions in the order their outcomes were handed back the first time. */
  private readonly recorded: number[];
  /** Index in `recorded` of the first position not handed back yet. */
  private recordedHead = 0;
  private readonly recordedLeft: Set<number>;
  /** Positions stamped in this process, in stamp order (after every recorded one). */
  private live: number[] = [];
  private liveHead = 0;
  private readonly liveLeft = new Set<number>();
  private readonly waiting = new Map<number, () => void>();
  private scheduled = false;
  private lastStamp = 0;

  constructor(journal: Iterable<JournalEntry>) {
    const ordered: JournalEntry[] = [];
    for (const entry of journal) {
      if (entry.finishedAt > this.lastStamp) this.lastStamp = entry.finishedAt;
      if (ORDERED.has(entry.kind)) ordered.push(entry);
    }
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
    if (ORDERED.has(kind)) {
      this.live.push(position);
      this.liveLeft.add(position);
    }
    return this.lastStamp;
  }

  /**
   * Resolves when the outcome of the call at `position` may go back to the workflow; at once
   * (undefined) for a call that has no stamped or recorded outcome (it was stopped before), and
   * for a live call that is next in order while no other call of the run is in flight (`alone`):
   * then nothing else can move in between, and sequential workflows pay no turn per call.
   */
  turn(position: number, alone: boolean): Promise<void> | undefined {
    if (this.recordedLeft.has(position)) return this.wait(position);
    if (!this.liveLeft.has(position)) return undefined;
    if (alone && this.waiting.size === 0 && this.head() === position) {
      this.liveLeft.delete(position);
      return undefined;
    }
    return this.wait(position);
  }

  /** `settled`'s outcome, handed back in its turn; `alone` says whether the run has no other call in flight. */
  after<T>(position: number, settled: Promise<T>, alone: () => boolean): Promise<T> {
    return settled.then(
      (value) => {
        const turn = this.turn(position, alone());
        return turn ? turn.then(() => value) : value;
      },
      (error: unknown) => {
        const turn = this.turn(position, alone());
        if (turn) return turn.then(() => Promise.reject(error));
        throw error;
      },
    );
  }

  private wait(position: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.set(position, resolve);
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
    const next = this.head();
    if (next === undefined) return;
    let chosen: number | undefined = next;
    if (!this.waiting.has(next)) {
      // A live call stamped but not settled yet (an emit waiting for durability) keeps its place.
      if (this.liveLeft.has(next)) return;
      chosen = this.earliestWaiting();
      if (chosen === undefined) return;
    }
    const resolve = this.waiting.get(chosen) as () => void;
    this.waiting.delete(chosen);
    if (!this.recordedLeft.delete(chosen)) this.liveLeft.delete(chosen);
    resolve();
    if (this.waiting.size > 0) this.schedule();
  };

  private head(): number | undefined {
    while (this.recordedHead < this.recorded.length) {
      const position = this.recorded[this.recordedHead] as number;
      if (this.recordedLeft.has(position)) return position;
      this.recordedHead++;
    }
    while (this.liveHead < this.live.length) {
      const position = this.live[this.liveHead] as number;
      if (this.liveLeft.has(position)) return position;
      this.liveHead++;
    }
    if (this.liveHead > 0) {
      this.live = [];
      this.liveHead = 0;
    }
    return undefined;
  }

  /** The waiting call whose outcome comes first in order (only when the journal's next call was not made). */
  private earliestWaiting(): number | undefined {
    for (let i = this.recordedHead; i < this.recorded.length; i++) {
      const position = this.recorded[i] as number;
      if (this.waiting.has(position)) return position;
    }
    for (let i = this.liveHead; i < this.live.length; i++) {
      const position = this.live[i] as number;
      if (this.waiting.has(position)) return position;
    }
    return undefined;
  }
}
