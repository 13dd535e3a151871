/**
 * Where one subscription stands in the log: the position a commit may write (just below the
 * oldest event read and not yet settled) and the acknowledgements above it.
 *
 * Events are read in seq order, so the unsettled ones sit in an array in that order and the
 * position moves by walking past the settled prefix; no per-event hashing. An acknowledgement
 * at or below the position needs no memory at all (the position says it), so only those above
 * it are kept, ascending. They are what holds memory while an old event is slow, and what a
 * commit must write; in the common case (handlers finishing in order) there are none, however
 * far behind the commits are.
 */

export interface Tracked {
  readonly seq: number;
  /** Acknowledged or parked: it no longer holds the position. */
  settled: boolean;
}

export class Progress<E extends Tracked> {
  /** Read entries from the oldest unsettled one on, in seq order (settled ones among them). */
  private order: E[] = [];
  private head = 0;
  private unsettledCount = 0;
  /** Acknowledged seqs above the position, ascending, from `ackedHead` on. */
  private acked: number[];
  private ackedHead = 0;
  private readTo: number;

  constructor(position: number, ackedAbove: readonly number[]) {
    this.readTo = position;
    this.acked = [...ackedAbove].sort((a, b) => a - b);
  }

  /** The log has been read up to `seq` (an event of ours or not). */
  readUpTo(seq: number): void {
    this.readTo = seq;
    this.prune();
  }

  /** An event read and not yet settled (call in seq order, after `readUpTo(entry.seq)`). */
  track(entry: E): void {
    entry.settled = false;
    this.order.push(entry);
    this.unsettledCount++;
  }

  /** The entry no longer holds the position (acknowledged, or parked in a commit). Idempotent. */
  settle(entry: E): void {
    if (entry.settled) return;
    entry.settled = true;
    this.unsettledCount--;
    if (this.order[this.head] !== entry) return;
    while (this.head < this.order.length && (this.order[this.head] as E).settled) this.head++;
    // Drop the settled prefix now and then rather than shift() each time (O(n) on long arrays).
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    this.prune();
  }

  /** Records an acknowledgement: remembered only while it lies above the position. */
  acknowledge(seq: number): void {
    if (seq <= this.position) return;
    // Acknowledgements come mostly in seq order: search back from the end.
    let at = this.acked.length;
    while (at > this.ackedHead && (this.acked[at - 1] as number) > seq) at--;
    if (at > this.ackedHead && this.acked[at - 1] === seq) return;
    if (at === this.acked.length) this.acked.push(seq);
    else this.acked.splice(at, 0, seq);
  }

  /** The last seq read (whether tracked or skipped): the next read starts after it. */
  get lastRead(): number {
    return this.readTo;
  }

  /** Every event at or below it is settled. */
  get position(): number {
    const oldest = this.order[this.head];
    return oldest ? oldest.seq - 1 : this.readTo;
  }

  /** Acknowledged seqs above the position, ascending. */
  ackedAbove(): number[] {
    return this.acked.slice(this.ackedHead);
  }

  /** Read and not settled. */
  get unsettled(): number {
    return this.unsettledCount;
  }

  /** What the subscription holds in memory: unsettled events and acknowledgements above the position. */
  get held(): number {
    return this.unsettledCount + this.acked.length - this.ackedHead;
  }

  private prune(): void {
    if (this.ackedHead === this.acked.length) return;
    const position = this.position;
    while (this.ackedHead < this.acked.length && (this.acked[this.ackedHead] as number) <= position) this.ackedHead++;
    if (this.ackedHead === this.acked.length) {
      this.acked.length = 0;
      this.ackedHead = 0;
    } else if (this.ackedHead > 1024 && this.ackedHead * 2 > this.acked.length) {
      this.acked = this.acked.slice(this.ackedHead);
      this.ackedHead = 0;
    }
  }
}
