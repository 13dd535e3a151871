import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedBus } from '../../src/bus/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { busConformance } from './bus.case.js';

// The embedded bus on each store; restart = a new bus (and, for SQLite, a new store on the same
// file), as a new process would have.
function embedded(openStore: () => Store, remove: () => void) {
  return async () => {
    let store = openStore();
    let bus = createEmbeddedBus(store, { pollInterval: 20 });
    return {
      bus,
      restart: async () => {
        await bus.close();
        if (store.kind !== 'memory') {
          await store.close();
          store = openStore();
        }
        bus = createEmbeddedBus(store, { pollInterval: 20 });
        return bus;
      },
      cleanup: async () => {
        await bus.close();
        await store.close();
        remove();
      },
    };
  };
}

busConformance(
  'embedded bus on the memory store',
  embedded(
    () => createMemoryStore(),
    () => {},
  ),
);

const directory = mkdtempSync(join(tmpdir(), 'tutti-bus-'));
let cases = 0;
let path = '';
busConformance(
  'embedded bus on the SQLite store',
  embedded(
    () => {
      path ||= join(directory, `bus-${++cases}.db`);
      return createSqliteStore({ path });
    },
    () => {
      path = '';
    },
  ),
);
process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
