-- 000005: the API tokens of the server, each in a namespace (src/store/tokens.ts).
--
-- Append-only: never edit a migration that has shipped; add the next number instead.

CREATE TABLE tutti_tokens (
  -- Creation order (the rowid): listings are by created_at, then by this, as in tutti_runs.
  seq INTEGER PRIMARY KEY,
  -- Public: part of the token text. Unique, and never reused (revoked tokens are kept).
  id TEXT NOT NULL UNIQUE,
  namespace TEXT NOT NULL,
  name TEXT,
  -- Hex SHA-256 of the token's secret part; the secret itself is never stored.
  hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  -- NULL while the token is valid.
  revoked_at INTEGER
);

-- Listings of one namespace. Tokens are few, so sorting them by created_at needs no index.
CREATE INDEX tutti_tokens_namespace ON tutti_tokens (namespace);
