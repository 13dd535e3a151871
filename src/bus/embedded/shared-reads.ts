/**
 * Reads of the event log shared by the subscriptions of one bus. Every subscription of a type
 * reads the same events, usually close behind one another; reading each event from the store
 * once per subscription was the largest cost of delivery (turning rows into objects). So reads
 * of one type go through a window of the newest records of that type: a subscription that asks
 * for a range the window covers gets it from memory, and what is read from the store for one
 * subscription stays there for the next.
 *
 * Events this bus published itself need not be read back at all: once their append has
 * committed, `appended` adds them to the windows, provided nothing unknown can sit between a
 * window's end and them (their seqs follow on without a gap; the log's seqs increase in commit
 * order). Anything else, such as events of other processes or of outboxes, leaves a gap that
 * the next read fills from the store.
 *
 * While this bus has publishes in flight, a read that reaches a window's end does not go on to
 * the store: those events are about to join the window, and the writer may commit them before
 * this thread hears so, in which case reading them back would cost this thread what the bus
 * saved by not reading them (~5 µs per row). The answer then says it is not complete, and the
 * publish wakes the reader when it lands. A gap seen by `appended` (someone else's events)
 * lifts this until a store read has reached the end of the log.
 *
 * A window keeps only what a subscription of this bus has yet to read (the slowest one's
 * position on; each holds what it has read itself), `capacity` records at most: records then
 * die young, which the garbage collector's young generation frees almost for nothing, where
 * keeping thousands a little longer had them copied by every scavenge (a fifth of the thread).
 *
 * Records are shared: nobody may change them (envelopes are built from them, see cloud-event.ts).
 */
import type { EventLog, EventQuery, EventRecord } from '../../store/event-log.js';

/** Every record of one type with seq in (from, to], ascending: `to` may lie past the last record. */
interface Window {
  from: number;
  to: number;
  records: EventRecord[];
  /** Events not appended through this bus lie past `to`: only a store read finds them. */
  behind: boolean;
}

/** An answer: the records, and whether a store read made after the call began found nothing more. */
export interface SharedRead {
  records: EventRecord[];
  /** False for a short answer given without reading the store (a publish in flight will wake the reader). */
  complete: boolean;
}

export class SharedReads {
  private readonly windows = new Map<string, Window>();
  /** A read past the end of a type's window in progress: others wait for it rather than read the same rows. */
  private readonly extending = new Map<string, Promise<boolean>>();
  /** Per type: publishes through this bus with events of it, not landed yet. */
  private readonly publishes = new Map<string, number>();
  /** Per type: where each subscription reading it through here has read up to. */
  private readonly readers = new Map<string, Map<string, number>>();

  constructor(
    private readonly log: EventLog,
    /** Records kept per type. */
    private readonly capacity: number,
  ) {}

  /** A publish of events of `types` through this bus begins; call the function returned once it has landed or failed. */
  publishing(types: ReadonlySet<string>): () => void {
    for (const type of types) this.publishes.set(type, (this.publishes.get(type) ?? 0) + 1);
    return () => {
      for (const type of types) {
        const left = (this.publishes.get(type) as number) - 1;
        if (left === 0) this.publishes.delete(type);
        else this.publishes.set(type, left);
      }
    };
  }

  /**
   * Reads for the subscription `reader`: what it asks for after `query.after` it has read (and
   * holds) up to there, so the windows need not keep it for this reader.
   */
  async read(query: EventQuery, reader: string): Promise<SharedRead> {
    const after = query.after ?? 0;
    const limit = query.limit ?? 100;
    const type = query.types?.length === 1 ? query.types[0] : undefined;
    if (type === undefined) return this.fromStore(query, limit);
    const readers = this.readers.get(type);
    if (readers) readers.set(reader, after);
    else this.readers.set(type, new Map([[reader, after]]));
    let window = this.windows.get(type);
    if (!window || after < window.from || after > window.to) {
      // Outside the window (a subscription far behind, or the first read): read it and start over there.
      const records = await this.log.readEvents({ after, types: [type], limit });
      // A full answer may stop short of events someone else appended.
      const behind = records.length === limit;
      this.windows.set(type, { from: after, to: records.at(-1)?.seq ?? after, records, behind });
      return { records, complete: records.length < limit };
    }
    // Serve from the window; past its end, read on from the store once for everyone. A short
    // answer must come from a store read made after this call began: callers take a short
    // answer to mean "nothing more yet" (a read someone started earlier may have missed events).
    let own = false;
    for (;;) {
      window = this.windows.get(type);
      if (!window || after < window.from || after > window.to) return this.fromStore(query, limit);
      const found = slice(window, after, limit);
      if (found.length === limit || own) return { records: found, complete: found.length < limit };
      let extending = this.extending.get(type);
      if (!extending) {
        if (this.publishes.has(type) && !window.behind) return { records: found, complete: false };
        own = true;
        extending = this.extendFrom(type, window.to, limit);
      }
      // A read whose answer could not be merged (the window moved elsewhere) proves nothing.
      if (!(await extending)) own = false;
    }
  }

  /**
   * Events this bus appended, in seq order, once durable: they join the windows they follow on
   * from, so no subscription reads them back from the store.
   */
  appended(records: readonly EventRecord[]): void {
    const first = records[0]?.seq;
    if (first === undefined) return;
    const last = first + records.length - 1;
    // Seqs with a gap among them belong to someone else too: leave them to store reads.
    if ((records.at(-1) as EventRecord).seq !== last) return;
    // Split by type once, not once per window: every window moves on, most gain nothing.
    const byType = new Map<string, EventRecord[]>();
    for (const record of records) {
      const ofType = byType.get(record.type);
      if (ofType) ofType.push(record);
      else byType.set(record.type, [record]);
    }
    for (const [type, window] of this.windows) {
      if (window.to >= last) continue;
      if (window.to < first - 1) {
        window.behind = true;
        continue;
      }
      const ofType = byType.get(type) ?? [];
      // A window that already reaches into the batch (a store read got there first) takes the rest.
      const more = window.to < first ? ofType : ofType.filter((record) => record.seq > window.to);
      this.merge(type, window, more, last);
    }
  }

  /** Reads on from the store past `end`; resolves to whether the answer joined the window. */
  private extendFrom(type: string, end: number, limit: number): Promise<boolean> {
    const extending = this.log.readEvents({ after: end, types: [type], limit }).then((more) => {
      const current = this.windows.get(type);
      // The window may have grown meanwhile (appends): the two overlap and their union holds.
      if (!current || end < current.from || end > current.to) return false;
      const to = Math.max(current.to, more.at(-1)?.seq ?? end);
      this.merge(
        type,
        current,
        more.filter((record) => record.seq > current.to),
        to,
        more.length === limit,
      );
      return true;
    });
    const forget = () => this.extending.delete(type);
    extending.then(forget, forget);
    this.extending.set(type, extending);
    return extending;
  }

  private async fromStore(query: EventQuery, limit: number): Promise<SharedRead> {
    const records = await this.log.readEvents(query);
    return { records, complete: records.length < limit };
  }

  /** The subscription `reader` stopped: its reads no longer hold records in the windows. */
  forget(reader: string): void {
    for (const [type, readers] of this.readers) {
      readers.delete(reader);
      if (readers.size > 0) continue;
      this.readers.delete(type);
      this.windows.delete(type);
    }
  }

  /**
   * Adds `more` (of the type, seqs past the window's end) and moves the end to `to`, keeping the
   * records some reader has yet to read, `capacity` at most.
   */
  private merge(type: string, window: Window, more: EventRecord[], to: number, behind = window.behind): void {
    const records = more.length > 0 ? window.records.concat(more) : window.records;
    let from = Math.max(window.from, this.slowest(type));
    let start = firstAfter(records, from);
    if (records.length - start > this.capacity) {
      start = records.length - this.capacity;
      from = (records[start - 1] as EventRecord).seq;
    }
    this.windows.set(type, { from, to, records: start > 0 ? records.slice(start) : records, behind });
  }

  /** Where the slowest reader of `type` has read up to (0 with none). */
  private slowest(type: string): number {
    let slowest = Number.POSITIVE_INFINITY;
    for (const after of this.readers.get(type)?.values() ?? []) slowest = Math.min(slowest, after);
    return slowest === Number.POSITIVE_INFINITY ? 0 : slowest;
  }
}

/** The index of the first record with seq > `after` (binary search). */
function firstAfter(records: readonly EventRecord[], after: number): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((records[mid] as EventRecord).seq <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The records of `window` after `after`, at most `limit`. */
function slice(window: Window, after: number, limit: number): EventRecord[] {
  const start = firstAfter(window.records, after);
  return window.records.slice(start, start + limit);
}
