-- Creates the ledger of applied migrations, if missing. Run inside the migration lock.
-- Parameters: none.
CREATE TABLE IF NOT EXISTS tutti_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
);
