/**
 * The tokens' writes (tokens.ts), on the writer's connection like every write (sqlite-writes.ts):
 * rare writes, each one statement in a call of its own. A taken id is answered with `false`
 * rather than thrown, so that the store raises the port's error on its own thread (a writer
 * thread's failures cross as plain data, which knows only driver and run errors). Reads are
 * plain queries (sqlite-store.ts).
 */
import type { NewToken } from '../tokens.js';
import type { SqliteQueries } from './sqlite-queries.js';

/** The tokens' writes a writer serves outside batches, by name (see WriteOperations). */
export interface TokenWriteOperations {
  /** false when the id is taken: nothing was written. */
  putToken(token: NewToken): boolean;
  /** false when the token is unknown or revoked already. */
  revokeToken(id: string, now: number): boolean;
}

export function prepareTokenWrites(q: SqliteQueries): TokenWriteOperations {
  return {
    putToken: (token) => q.putToken.run(token).changes === 1,
    revokeToken: (id, now) => q.revokeToken.run({ id, now }).changes === 1,
  };
}
