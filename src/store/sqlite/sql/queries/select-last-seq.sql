-- The seq of the newest event, 0 when the log is empty (the rowid's maximum: one lookup).
-- Parameters: none. Returns: seq.
SELECT coalesce(max(seq), 0) AS seq FROM tutti_events;
