/**
 * What the slip tests share: each case runs on the embedded bus over the memory store and over a
 * temp SQLite file, with two buses on one store standing for two services' processes (the second
 * finds the first's events by its poll, as another process would).
 */
import { afterEach, beforeEach, describe } from 'node:test';
import type { Bus } from '../../src/bus/bus.js';
import { createEmbeddedBus } from '../../src/bus/index.js';
import { type SlipWatcher, watchSlips } from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { tempDbPath } from '../helpers/temp-db.js';

export interface Bed {
  store: Store;
  /** The first service's bus. */
  bus: Bus;
  /** Another service's bus on the same store. */
  other: Bus;
  close(): Promise<void>;
}

const STORES: Record<string, () => Promise<{ store: Store; remove(): void }>> = {
  memory: async () => ({ store: createMemoryStore(), remove: () => {} }),
  sqlite: async () => {
    const db = tempDbPath('tutti-slips-');
    const store = createSqliteStore({ path: db.path });
    return { store, remove: db.remove };
  },
};

/** What each test gets: a fresh bed, and a slip watcher on its first bus. */
export interface SlipTest {
  bed: Bed;
  watcher: SlipWatcher;
}

/** Declares the suite once per store; before each test `t` holds a fresh bed and watcher. */
export function onEachStore(title: string, suite: (t: SlipTest) => void): void {
  for (const [kind, make] of Object.entries(STORES)) {
    describe(`${title} (${kind} store)`, () => {
      const t = {} as SlipTest;
      beforeEach(async () => {
        t.bed = await openBed(make);
        t.watcher = await watchSlips(t.bed.bus);
      });
      afterEach(() => t.bed.close());
      suite(t);
    });
  }
}

async function openBed(make: (typeof STORES)[string]): Promise<Bed> {
  const { store, remove } = await make();
  const bus = createEmbeddedBus(store, { pollInterval: 10 });
  const other = createEmbeddedBus(store, { pollInterval: 10 });
  return {
    store,
    bus,
    other,
    close: async () => {
      await Promise.all([bus.close(), other.close()]);
      await store.close();
      remove();
    },
  };
}

/** Fast retries, so that faults and compensation failures show within a test's time. */
export const fastRetry = { initialInterval: 5, maxInterval: 20 } as const;

/** The events of one slip in the log, as `type` (and the causation chain) in log order. */
export async function slipEvents(store: Store, trackingId: string) {
  const events = await store.readEvents({ limit: 10_000 });
  return events
    .filter((e) => e.subject === trackingId)
    .map((e) => {
      const extensions = JSON.parse(e.extensions ?? '{}') as { correlationid?: string; causationid?: string };
      return { id: e.id, type: e.type, correlationid: extensions.correlationid, causationid: extensions.causationid };
    });
}
