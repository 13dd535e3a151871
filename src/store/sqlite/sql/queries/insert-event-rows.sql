-- Appends several events in one statement (the adapter appends one `(?, ?, ?, ?, ?, ?, ?)` per
-- event, in this column order): half the cost per row of insert-event.sql, which bulk publishes
-- feel. Ids already in the log are skipped, as in insert-event.sql; `changes` says how many went in.
INSERT OR IGNORE INTO tutti_events (id, type, source, subject, time, data, extensions)
VALUES
