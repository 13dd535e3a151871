/**
 * Starting a worker thread on one of Tutti's own modules, whether Tutti runs built or from its
 * TypeScript sources. Built code runs the `.js` entry. Run from the sources (tests, bench, via
 * tsx), a worker does not inherit the parent's loader, so the thread first registers tsx (a dev
 * dependency, present whenever the sources are run) and then imports the `.ts` entry.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker running the module `name` (no extension) next to the module whose `import.meta.url`
 * is `sibling`.
 * @example spawnModuleWorker(import.meta.url, 'sqlite-writer-thread', { workerData })
 */
export function spawnModuleWorker(sibling: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSources = sibling.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, sibling);
  if (!fromSources) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
