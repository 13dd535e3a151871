-- Events after a seq, in seq order, of the given types or of any type.
-- Two branches, one of which is empty: a single `@types IS NULL OR type IN (...)` would make
-- SQLite walk the log by seq and filter, reading every event of other types in the way (all of
-- the tail for a rare type). With types, each type reads at most @limit seqs from its range of
-- tutti_events_type, and the first @limit of those, in seq order, are returned.
-- Parameters: @after (seq), @types (JSON array of types, or NULL for all; repeats are ignored),
-- @limit.
SELECT seq, id, type, source, subject, time, data, extensions
FROM tutti_events
WHERE @types IS NULL AND seq > @after
UNION ALL
SELECT event.seq, event.id, event.type, event.source, event.subject, event.time, event.data, event.extensions
FROM (SELECT DISTINCT value FROM json_each(@types)) AS wanted
JOIN tutti_events AS event ON event.seq IN (
  SELECT typed.seq FROM tutti_events AS typed
  WHERE typed.type = wanted.value AND typed.seq > @after
  ORDER BY typed.seq
  LIMIT @limit
)
ORDER BY seq
LIMIT @limit;
