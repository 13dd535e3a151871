/**
 * The tokens of the in-memory store (tokens.ts): a map by id, in insertion order. Records are
 * copied in and out, so a caller cannot change what is stored.
 */
import { duplicateTokenError, type NewToken, type TokenQuery, type TokenRecord } from '../tokens.js';

export class MemoryTokens {
  private readonly records = new Map<string, TokenRecord>();

  put(token: NewToken): void {
    if (this.records.has(token.id)) throw duplicateTokenError(token.id);
    this.records.set(token.id, { ...token, revokedAt: null });
  }

  find(id: string): TokenRecord | undefined {
    const found = this.records.get(id);
    return found && { ...found };
  }

  list(query: TokenQuery = {}): TokenRecord[] {
    const found: TokenRecord[] = [];
    for (const record of this.records.values()) {
      if (query.namespace === undefined || record.namespace === query.namespace) found.push({ ...record });
    }
    // A stable sort: equal times keep the map's insertion order, as SQLite's rowid does.
    return found.sort((a, b) => a.createdAt - b.createdAt);
  }

  revoke(id: string, now: number): boolean {
    const record = this.records.get(id);
    if (!record || record.revokedAt !== null) return false;
    record.revokedAt = now;
    return true;
  }
}
