/**
 * The event log of the in-memory store: the reference for event-log.ts. The store applies
 * `append` and `applyDeliveries` inside its group commit, so an outbox transition and its events
 * land together; `check` runs before a batch changes anything (a failing batch leaves no trace).
 */
import { UnknownSubscriptionError } from '../../core/errors.js';
import type {
  DeadLetterQuery,
  DeliveryCommit,
  EventQuery,
  EventRecord,
  NewEvent,
  ParkedDelivery,
  ParkedEvent,
  ParkedState,
  PublishResult,
  SubscriptionRecord,
} from '../event-log.js';

export class MemoryEventLog {
  private readonly events: EventRecord[] = [];
  private readonly seqById = new Map<string, number>();
  private readonly subscriptions = new Map<string, SubscriptionRecord>();
  private readonly parked = new Map<string, Map<number, ParkedDelivery>>();

  append(events: readonly NewEvent[]): PublishResult[] {
    return events.map((event) => {
      const existing = this.seqById.get(event.id);
      if (existing !== undefined) return { seq: existing, created: false };
      const seq = this.events.length + 1;
      this.events.push({ ...event, seq });
      this.seqById.set(event.id, seq);
      return { seq, created: true };
    });
  }

  /** Throws what `applyDeliveries` would, without changing anything. */
  checkDeliveries(commit: DeliveryCommit): void {
    if (!this.subscriptions.has(commit.subscription)) throw new UnknownSubscriptionError(commit.subscription);
  }

  applyDeliveries(commit: DeliveryCommit): undefined {
    const subscription = this.subscriptions.get(commit.subscription) as SubscriptionRecord;
    subscription.position = commit.position;
    subscription.ackedAbove = [...commit.ackedAbove];
    const parked = this.parkedOf(commit.subscription);
    for (const seq of commit.unpark ?? []) parked.delete(seq);
    for (const row of commit.park ?? []) parked.set(row.seq, { ...row });
    if (commit.publish) this.append(commit.publish);
    return undefined;
  }

  readEvents(query: EventQuery): EventRecord[] {
    const types = query.types && new Set(query.types);
    const limit = query.limit ?? 100;
    const found: EventRecord[] = [];
    for (let i = query.after ?? 0; i < this.events.length && found.length < limit; i++) {
      const event = this.events[i] as EventRecord;
      if (!types || types.has(event.type)) found.push({ ...event });
    }
    return found;
  }

  lastSeq(): number {
    return this.events.length;
  }

  positionAt(time: number): number {
    const first = this.events.findIndex((event) => event.time >= time);
    return first === -1 ? this.events.length : first;
  }

  openSubscription(name: string, types: readonly string[], position: number, now: number): SubscriptionRecord {
    const existing = this.subscriptions.get(name);
    if (existing) {
      existing.types = [...types];
      return copy(existing);
    }
    const created: SubscriptionRecord = { name, types: [...types], position, ackedAbove: [], createdAt: now };
    this.subscriptions.set(name, created);
    return copy(created);
  }

  getSubscription(name: string): SubscriptionRecord | undefined {
    const found = this.subscriptions.get(name);
    return found && copy(found);
  }

  listSubscriptions(): SubscriptionRecord[] {
    return [...this.subscriptions.values()].sort((a, b) => a.name.localeCompare(b.name)).map(copy);
  }

  readParked(subscription: string, states?: readonly ParkedState[]): ParkedEvent[] {
    return [...this.parkedOf(subscription).values()]
      .filter((row) => !states || states.includes(row.state))
      .sort((a, b) => a.seq - b.seq)
      .map((row) => this.withEvent(row));
  }

  listDeadLetters(query: DeadLetterQuery = {}): ParkedEvent[] {
    return this.matchingDead(query)
      .slice(0, query.limit ?? 100)
      .map((row) => this.withEvent(row));
  }

  redrive(query: DeadLetterQuery, now: number): number {
    const rows = this.matchingDead(query).slice(0, query.limit ?? Number.POSITIVE_INFINITY);
    for (const row of rows) Object.assign(row, { state: 'retrying', attempts: 0, nextAt: now });
    return rows.length;
  }

  replay(name: string, position: number): void {
    const subscription = this.subscriptions.get(name);
    if (!subscription) throw new UnknownSubscriptionError(name);
    subscription.position = position;
    subscription.ackedAbove = [];
    const parked = this.parkedOf(name);
    for (const [seq, row] of parked) if (row.state !== 'dead') parked.delete(seq);
  }

  private matchingDead(query: DeadLetterQuery): ParkedDelivery[] {
    const seqs = query.seqs && new Set(query.seqs);
    const names = query.subscription === undefined ? [...this.parked.keys()] : [query.subscription];
    return names
      .flatMap((name) => [...this.parkedOf(name).values()])
      .filter(
        (row) =>
          row.state === 'dead' &&
          (!seqs || seqs.has(row.seq)) &&
          (query.type === undefined || this.events[row.seq - 1]?.type === query.type),
      )
      .sort((a, b) => a.seq - b.seq || a.subscription.localeCompare(b.subscription));
  }

  private parkedOf(subscription: string): Map<number, ParkedDelivery> {
    let rows = this.parked.get(subscription);
    if (!rows) {
      rows = new Map();
      this.parked.set(subscription, rows);
    }
    return rows;
  }

  private withEvent(row: ParkedDelivery): ParkedEvent {
    return { ...row, event: { ...(this.events[row.seq - 1] as EventRecord) } };
  }
}

function copy(subscription: SubscriptionRecord): SubscriptionRecord {
  return { ...subscription, types: [...subscription.types], ackedAbove: [...subscription.ackedAbove] };
}
