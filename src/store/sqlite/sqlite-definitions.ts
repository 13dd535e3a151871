/**
 * The definitions' write (definitions.ts), on the writer's connection like every write
 * (sqlite-writes.ts): a rare write, in a call of its own. The check and the write share one
 * IMMEDIATE transaction, so two processes registering under one name and version cannot both
 * find the place free; the second sees the first's body. Reads are plain queries (sqlite-store.ts).
 */
import type Database from 'better-sqlite3';
import { type NewDefinition, type PutDefinitionResult, putOutcome } from '../definitions.js';
import type { SqliteQueries } from './sqlite-queries.js';

/** The definitions' writes a writer serves outside batches, by name (see WriteOperations). */
export interface DefinitionWriteOperations {
  putDefinition(definition: NewDefinition, replace: boolean): PutDefinitionResult;
}

export function prepareDefinitionWrites(db: Database.Database, q: SqliteQueries): DefinitionWriteOperations {
  const put = db.transaction((definition: NewDefinition, replace: boolean): PutDefinitionResult => {
    const { kind, name, version } = definition;
    const existing = q.selectDefinition.get({ kind, name, version });
    const outcome = putOutcome(existing, definition, replace);
    if (outcome === 'created' || outcome === 'replaced') {
      q.putDefinition.run(definition);
      return { outcome, definition };
    }
    return { outcome, definition: existing as PutDefinitionResult['definition'] };
  });
  return { putDefinition: (definition, replace) => put.immediate(definition, replace) };
}
