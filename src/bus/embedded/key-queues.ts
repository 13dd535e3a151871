/**
 * Per-key ordering for one subscription: events with the same key go one at a time, in seq order;
 * events without a key (and redriven dead letters, whose key has moved on) go as soon as there
 * is room. `ready` holds what may be delivered now, oldest first.
 */

export interface Queued {
  seq: number;
  /** The event's subject, or undefined for an event that no other event waits for. */
  key: string | undefined;
}

export class KeyQueues<T extends Queued> {
  /** Per key: the head (being delivered, or waiting for a retry), then the events behind it. */
  private readonly byKey = new Map<string, T[]>();
  private ready: T[] = [];
  private readyHead = 0;

  /** Adds an entry after everything already queued for its key. */
  push(entry: T): void {
    if (entry.key === undefined) {
      this.ready.push(entry);
      return;
    }
    const queue = this.byKey.get(entry.key);
    if (queue) queue.push(entry);
    else {
      this.byKey.set(entry.key, [entry]);
      this.ready.push(entry);
    }
  }

  /**
   * Adds an entry that is not deliverable yet (a retry waiting for its time): it still heads its
   * key if nothing is queued for it. `pushReady` makes it deliverable when its time comes.
   */
  pushWaiting(entry: T): void {
    if (entry.key === undefined) return;
    const queue = this.byKey.get(entry.key);
    if (queue) queue.push(entry);
    else this.byKey.set(entry.key, [entry]);
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

  /** The entries waiting behind the head of `key`. */
  waiting(key: string): readonly T[] {
    return this.byKey.get(key)?.slice(1) ?? [];
  }

  /** The head of `entry`'s key is done: the next entry of that key becomes deliverable. */
  release(entry: T): void {
    if (entry.key === undefined) return;
    const queue = this.byKey.get(entry.key);
    if (!queue || queue[0] !== entry) return;
    queue.shift();
    const next = queue[0];
    if (next) this.ready.push(next);
    else this.byKey.delete(entry.key);
  }
}
