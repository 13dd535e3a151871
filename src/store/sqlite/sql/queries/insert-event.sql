-- Appends an event to the log unless one with this id is there (publishers may retry);
-- `changes` tells which, and `lastInsertRowid` is the new event's seq.
-- Parameters: a NewEvent: @id, @type, @source, @subject, @time, @data, @extensions.
INSERT OR IGNORE INTO tutti_events (id, type, source, subject, time, data, extensions)
VALUES (@id, @type, @source, @subject, @time, @data, @extensions);
