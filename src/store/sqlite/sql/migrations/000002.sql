-- 000002: the event log of the embedded bus (src/store/event-log.ts): the events, the
-- subscriptions that read them, and the deliveries parked outside the fast path.
--
-- Append-only: never edit a migration that has shipped; add the next number instead.
-- No foreign keys, as in 000001: delivery commits first update their subscription (and fail with
-- UnknownSubscriptionError when there is none), and parked rows name events that are never deleted.

CREATE TABLE tutti_events (
  -- The log position (the rowid). SQLite has one writer at a time, so insertion order is commit
  -- order, as the port requires. No AUTOINCREMENT: the log is append-only, and a seq could only be
  -- reused after the newest event were deleted (an archival of old events must keep the newest).
  seq INTEGER PRIMARY KEY,
  -- Publishers may retry: an id already in the log is ignored and answered with its seq.
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  source TEXT NOT NULL,
  -- The ordering key (null: none). Not indexed: subscriptions read in seq order, which is each
  -- key's order too.
  subject TEXT,
  time INTEGER NOT NULL,
  data TEXT,
  extensions TEXT
);

-- A subscription reads its types after its position: per type, a range of this index in seq
-- order, so events of other types (however many) are never read.
CREATE INDEX tutti_events_type ON tutti_events (type, seq);

-- Small rows read and written whole by name: one b-tree keyed by name (WITHOUT ROWID).
CREATE TABLE tutti_subscriptions (
  name TEXT PRIMARY KEY,
  -- JSON arrays: always read and written whole, never searched, so no table of their own.
  types TEXT NOT NULL,
  position INTEGER NOT NULL,
  -- The seqs above the position acknowledged out of order: a few, as many as are in flight.
  acked_above TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- One row per event of a subscription that is not settled the fast way: 'retrying', 'held' or
-- 'dead'. A rowid table, as tutti_journal: `error` holds a RecordedError of any size.
-- Read by subscription in seq order (the primary key); dead letters across subscriptions are an
-- operator's read, rare enough to scan.
CREATE TABLE tutti_parked (
  subscription TEXT NOT NULL,
  seq INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at INTEGER,
  error TEXT,
  first_failed_at INTEGER,
  last_failed_at INTEGER,
  -- An event is parked at most once per subscription: parking it again replaces the row.
  PRIMARY KEY (subscription, seq)
);
