/**
 * Per-key ordering for one subscription: events with the same key go one at a time, in seq order;
 * events without a key (and redriven dead letters, whose key has moved on) go as soon as there
 * is room. `ready` holds what may be delivered now, oldest first.
 *
 * The events of one key form a chain through the entries themselves (`nextOfKey`), and the map
 * holds each key's last entry: no array per key. With many keys each usually has one event
 * queued, and an array for it was most of what queueing allocated. A key whose queue empties
 * stays in the map (as null) until idle keys are many: deleting and re-adding it for every
 * event made the map shrink and grow again, a new table each time.
 */

export interface Queued<T> {
  seq: number;
  /** The event's subject, or undefined for an event that no other event waits for. */
  key: string | undefined;
  /** KeyQueues' own: the entry queued next for the same key. */
  nextOfKey: T | undefined;
  /** KeyQueues' own: this entry heads its key (being delivered, or waiting for a retry). */
  headsKey: boolean;
}

export class KeyQueues<T extends Queued<T>> {
  /** Per key: its last entry (the chain starts at the head and runs through `nextOfKey`); null once it has none. */
  private readonly lastOfKey = new Map<string, T | null>();
  /** Keys mapped to null. */
  private idleKeys = 0;
  private ready: T[] = [];
  private readyHead = 0;

  /** Adds an entry after everything already queued for its key. */
  push(entry: T): void {
    if (this.enqueue(entry)) this.ready.push(entry);
  }

  /**
   * Adds an entry that is not deliverable yet (a retry waiting for its time): it still heads its
   * key if nothing is queued for it. `pushReady` makes it deliverable when its time comes.
   */
  pushWaiting(entry: T): void {
    this.enqueue(entry);
  }

  /** Makes an entry deliverable now without touching its key's order (a retry that is due, a redrive). */
  pushReady(entry: T): void {
    this.ready.push(entry);
  }

  /** The next deliverable entry, or undefined. */
  take(): T | undefined {
    if (this.readyHead >= this.ready.length) return undefined;
    const entry = this.ready[this.readyHead++];
    // Compact now and then rather than shift() each time (shift is O(n) on long arrays).
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    return entry;
  }

  get readyCount(): number {
    return this.ready.length - this.readyHead;
  }

  /** Keys remembered, with entries queued or idle (idle ones are let go in bulk). */
  get keyCount(): number {
    return this.lastOfKey.size;
  }

  /** The entries waiting behind `head`, the head of its key. */
  waiting(head: T): T[] {
    const behind: T[] = [];
    for (let next = head.nextOfKey; next; next = next.nextOfKey) behind.push(next);
    return behind;
  }

  /** The head of `entry`'s key is done: the next entry of that key becomes deliverable. */
  release(entry: T): void {
    if (entry.key === undefined || !entry.headsKey) return;
    entry.headsKey = false;
    const next = entry.nextOfKey;
    entry.nextOfKey = undefined;
    if (next) {
      next.headsKey = true;
      this.ready.push(next);
    } else if (this.lastOfKey.get(entry.key) === entry) {
      this.lastOfKey.set(entry.key, null);
      if (++this.idleKeys > 1024 && this.idleKeys * 2 > this.lastOfKey.size) this.forgetIdleKeys();
    }
  }

  private forgetIdleKeys(): void {
    for (const [key, last] of this.lastOfKey) if (last === null) this.lastOfKey.delete(key);
    this.idleKeys = 0;
  }

  /** Chains `entry` behind its key's last one; true if it heads its key (or has none). */
  private enqueue(entry: T): boolean {
    entry.nextOfKey = undefined;
    if (entry.key === undefined) return true;
    const last = this.lastOfKey.get(entry.key);
    this.lastOfKey.set(entry.key, entry);
    if (last === null) this.idleKeys--;
    if (last) {
      last.nextOfKey = entry;
      entry.headsKey = false;
      return false;
    }
    entry.headsKey = true;
    return true;
  }
}
