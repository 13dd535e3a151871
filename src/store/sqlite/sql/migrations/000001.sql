-- 000001: runs, their journals and timers, and the tasks leased to remote workers.
--
-- Append-only: never edit a migration that has shipped; add the next number instead.
-- Tables are prefixed with tutti_ so that the file can be shared with an application's own tables.
-- No foreign keys: every write goes through a transition that first updates its run (and fails
-- with UnknownRunError when there is none), so checking them again on each insert would only add
-- work to the write path.

CREATE TABLE tutti_runs (
  -- Creation order (the rowid): newest-first listing and `before` cursors rely on it, not on
  -- created_at, which the caller supplies and which may repeat.
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  workflow TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT,
  output TEXT,
  error TEXT,
  parent_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- Each index ends with the rowid (seq) implicitly, so filtered listings come out in creation order.
CREATE INDEX tutti_runs_status ON tutti_runs (status);
CREATE INDEX tutti_runs_parent ON tutti_runs (parent_id);
CREATE INDEX tutti_runs_workflow ON tutti_runs (workflow);

-- A rowid table rather than WITHOUT ROWID: outputs are user JSON of any size, and SQLite
-- advises WITHOUT ROWID only for rows well under a twentieth of a page.
CREATE TABLE tutti_journal (
  run_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  ok INTEGER NOT NULL,
  output TEXT,
  attempts INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  -- The journal is append-only: writing a position twice violates this key (JournalConflictError).
  PRIMARY KEY (run_id, position)
);

CREATE TABLE tutti_timers (
  run_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL,
  fire_at INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  PRIMARY KEY (run_id, position)
) WITHOUT ROWID;

CREATE INDEX tutti_timers_fire_at ON tutti_timers (fire_at);

CREATE TABLE tutti_tasks (
  -- Enqueue order (the rowid): claims take the oldest visible task first.
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  queue TEXT NOT NULL,
  run_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  input TEXT,
  attempt INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  worker_id TEXT,
  lease_expires_at INTEGER
);

-- Claiming: one queue, visible now, by visible_at then enqueue order (the implicit rowid).
CREATE INDEX tutti_tasks_claim ON tutti_tasks (queue, visible_at);
