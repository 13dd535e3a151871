-- 000003: Conductor workflow and task definitions, by kind, name and version (src/store/definitions.ts).
--
-- Append-only: never edit a migration that has shipped; add the next number instead.

-- A rowid table rather than WITHOUT ROWID, as tutti_journal: a body is a whole definition, often
-- kilobytes, and SQLite advises against WITHOUT ROWID for rows that large. The primary key's index
-- serves every read: one version, the highest version of a name, and listings by name then version.
CREATE TABLE tutti_definitions (
  -- 'workflow' or 'task': separate namespaces.
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  -- Always 1 for task definitions, which Conductor does not version.
  version INTEGER NOT NULL,
  body TEXT NOT NULL,
  registered_at INTEGER NOT NULL,
  PRIMARY KEY (kind, name, version)
);
