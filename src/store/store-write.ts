/** The writes a store applies in its group commit, in submission order. */
import type { DeliveryCommit, NewEvent, PublishResult } from './event-log.js';
import type { CreateRunResult, NewRun, Transition } from './store.js';

export type StoreWrite =
  | { type: 'create'; run: NewRun }
  | { type: 'commit'; transition: Transition }
  | { type: 'publish'; events: readonly NewEvent[] }
  | { type: 'deliveries'; commit: DeliveryCommit };

/** What each write resolves with. */
export type StoreWriteResult = CreateRunResult | PublishResult[] | undefined;
