/**
 * The tokens part of the store port: the API tokens that authenticate requests to the server,
 * each belonging to a namespace (src/server/tokens.ts makes and checks them). Same contract as
 * the rest of the port (store.ts): domain operations, writes durable when resolved.
 *
 * Model
 * - A token is identified by its `id`, which is public (it is part of the token text and shows in
 *   `tutti tokens list`); the secret part is never stored, only its hash.
 * - Ids are unique: storing an id again is refused, whatever the rest of the record says, so a
 *   token's hash and namespace never change once stored.
 * - Revoking is final and kept: a revoked token stays listed (with `revokedAt`), so that its id is
 *   never reused and an operator sees what was revoked when.
 *
 * What it leaves out: deleting tokens, expiry dates and scopes finer than a namespace.
 */
import { DuplicateNameError } from '../core/errors.js';

export interface TokenRecord {
  id: string;
  namespace: string;
  /** A label for people ('ci', 'billing service'), or null. */
  name: string | null;
  /** Hex SHA-256 of the token's secret part. */
  hash: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds, or null while the token is valid. */
  revokedAt: number | null;
}

export type NewToken = Omit<TokenRecord, 'revokedAt'>;

export interface TokenQuery {
  /** Only the tokens of this namespace. */
  namespace?: string;
}

export interface TokenStore {
  /** Stores a new token; durable when resolved. Throws DuplicateNameError when its id is taken. */
  putToken(token: NewToken): Promise<void>;
  findToken(id: string): Promise<TokenRecord | undefined>;
  /** Tokens (revoked ones included), oldest first: by `createdAt`, then in the order stored. */
  listTokens(query?: TokenQuery): Promise<TokenRecord[]>;
  /** Marks a token revoked at `now`; false when there is no such token or it was revoked already. */
  revokeToken(id: string, now: number): Promise<boolean>;
}

/** What every adapter throws for a taken id, so that they cannot drift. */
export function duplicateTokenError(id: string): DuplicateNameError {
  return new DuplicateNameError(
    `a token with id '${id}' is stored already; token ids are unique: create the token again (a new id is drawn)`,
  );
}
