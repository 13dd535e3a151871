import { createMemoryStore } from '../../src/store/memory/index.js';
import { storeConformance } from './store.case.js';

storeConformance('memory', async () => {
  const store = createMemoryStore();
  return { store, cleanup: () => store.close() };
});
