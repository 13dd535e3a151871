/**
 * Reads of the event log shared by the subscriptions of one bus. Every subscription of a type
 * reads the same events, usually close behind one another; reading each event from the store
 * once per subscription was the largest cost of delivery (turning rows into objects). So reads
 * of one type go through a window of the newest records of that type: a subscription that asks
 * for a range the window covers gets it from memory, and what is read from the store for one
 * subscription stays there for the next. Records are shared: nobody may change them (the
 * dispatcher builds a fresh envelope for each delivery).
 */
import type { EventLog, EventQuery, EventRecord } from '../../store/event-log.js';

/** Records of one type with every seq in (from, to] of that type, ascending. */
interface Window {
  from: number;
  to: number;
  records: EventRecord[];
}

export class SharedReads {
  private readonly windows = new Map<string, Window>();
  /** A read past the end of a type's window in progress: others wait for it rather than read the same rows. */
  private readonly extending = new Map<string, Promise<void>>();

  constructor(
    private readonly log: EventLog,
    /** Records kept per type. */
    private readonly capacity: number,
  ) {}

  async readEvents(query: EventQuery): Promise<EventRecord[]> {
    const after = query.after ?? 0;
    const limit = query.limit ?? 100;
    const type = query.types?.length === 1 ? query.types[0] : undefined;
    if (type === undefined) return this.log.readEvents(query);
    let window = this.windows.get(type);
    if (!window || after < window.from || after > window.to) {
      // Outside the window (a subscription far behind, or the first read): read it and start over there.
      const records = await this.log.readEvents({ after, types: [type], limit });
      this.windows.set(type, { from: after, to: records.at(-1)?.seq ?? after, records });
      return records;
    }
    // Serve from the window; past its end, read on from the store once for everyone. A short
    // answer must come from a store read made after this call began: callers take a short
    // answer to mean "nothing more yet" (a read someone started earlier may have missed events).
    let own = false;
    for (;;) {
      window = this.windows.get(type);
      if (!window || after < window.from || after > window.to) return this.log.readEvents(query);
      const found = slice(window, after, limit);
      if (found.length === limit || own) return found;
      let extending = this.extending.get(type);
      if (!extending) {
        own = true;
        extending = this.extendFrom(type, window.to, limit);
      }
      await extending;
    }
  }

  private extendFrom(type: string, end: number, limit: number): Promise<void> {
    const extending = this.log.readEvents({ after: end, types: [type], limit }).then((more) => {
      const current = this.windows.get(type);
      if (current && current.to === end && more.length > 0) this.extend(type, current, more);
    });
    const forget = () => this.extending.delete(type);
    extending.then(forget, forget);
    this.extending.set(type, extending);
    return extending;
  }

  private extend(type: string, window: Window, more: EventRecord[]): void {
    const records = window.records.concat(more);
    let from = window.from;
    let start = 0;
    if (records.length > this.capacity) {
      start = records.length - this.capacity;
      from = (records[start - 1] as EventRecord).seq;
    }
    this.windows.set(type, {
      from,
      to: (more.at(-1) as EventRecord).seq,
      records: start > 0 ? records.slice(start) : records,
    });
  }
}

/** The records of `window` after `after`, at most `limit`. */
function slice(window: Window, after: number, limit: number): EventRecord[] {
  // Binary search for the first record with seq > after.
  let low = 0;
  let high = window.records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((window.records[mid] as EventRecord).seq <= after) low = mid + 1;
    else high = mid;
  }
  return window.records.slice(low, low + limit);
}
