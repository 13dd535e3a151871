/** The writes a store applies in its group commit, in submission order. */
import type { DeliveryCommit, NewEvent, PublishResult } from './event-log.js';
import type { CreateRunResult, NewRun, TaskRecord, Transition } from './store.js';

/**
 * Task claims and reports go in the group commit too: under load a worker's report and the
 * journal write it causes, and many workers' claims, share one transaction (one fsync).
 */
export type StoreWrite =
  | { type: 'create'; run: NewRun }
  | { type: 'commit'; transition: Transition }
  | { type: 'publish'; events: readonly NewEvent[] }
  | { type: 'deliveries'; commit: DeliveryCommit }
  | { type: 'claim'; queue: string; workerId: string; max: number; leaseExpiresAt: number; now: number }
  | { type: 'complete'; taskId: string; workerId: string; outcome: string };

/** What each write resolves with. */
export type StoreWriteResult = CreateRunResult | PublishResult[] | TaskRecord[] | { completed: boolean } | undefined;

/**
 * Rows a write adds or changes, about: what a batch's cost scales with (a publish of 1,000
 * events is one write but a thousand rows).
 */
export function writeWeight(write: StoreWrite): number {
  if (write.type === 'publish') return write.events.length;
  if (write.type === 'commit') return 1 + (write.transition.publish?.length ?? 0);
  if (write.type === 'deliveries') return 1 + (write.commit.park?.length ?? 0) + (write.commit.publish?.length ?? 0);
  return 1;
}
