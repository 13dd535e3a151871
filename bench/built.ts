/**
 * The bench measures the built package, as users run it: run from the sources, tsx wraps every
 * function it compiles (keepNames), which costs the hot path several percent. `npm run bench`
 * builds first. Types come from the sources, which the build compiles.
 */
const built = (path: string) => import(new URL(`../dist/${path}`, import.meta.url).href);

export const tutti = (await built('index.js')) as typeof import('../src/index.js');
export const memoryStore = (await built('store/memory/index.js')) as typeof import('../src/store/memory/index.js');
export const sqliteStore = (await built('store/sqlite/index.js')) as typeof import('../src/store/sqlite/index.js');
export const bus = (await built('bus/index.js')) as typeof import('../src/bus/index.js');
