/** Fills a store by hand with what an engine would have left: a run, its journal, its timers. */
import type { RunStatus, Store } from '../../src/index.js';
import type { JournalEntry, TimerRecord } from '../../src/store/store.js';

export interface Seed {
  id: string;
  workflow: string;
  version?: string;
  input?: unknown;
  status?: RunStatus;
  journal?: Omit<JournalEntry, 'runId' | 'attempts' | 'startedAt' | 'finishedAt'>[];
  timers?: Omit<TimerRecord, 'runId'>[];
}

export async function seedRun(store: Store, seed: Seed): Promise<void> {
  const at = Date.now() - 1000;
  await store.createRun({
    id: seed.id,
    workflow: seed.workflow,
    version: seed.version ?? '1',
    input: seed.input === undefined ? null : JSON.stringify(seed.input),
    parentId: null,
    createdAt: at,
  });
  const journal = (seed.journal ?? []).map((e) => ({
    attempts: 1,
    startedAt: at,
    finishedAt: at,
    ...e,
    runId: seed.id,
  }));
  await store.commit({ runId: seed.id, at, status: seed.status ?? 'running', journal });
  for (const timer of seed.timers ?? [])
    await store.commit({ runId: seed.id, at, setTimer: { ...timer, runId: seed.id } });
}

/** A successful journal entry (`output` is JSON-encoded here). */
export const ok = (position: number, name: string, output: unknown, kind: JournalEntry['kind'] = 'step') => ({
  position,
  kind,
  name,
  ok: true,
  output: output === undefined ? null : JSON.stringify(output),
});
