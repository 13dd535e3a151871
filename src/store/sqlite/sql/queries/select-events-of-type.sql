-- Events of one type after a seq, in seq order: the common read of a subscription (one type),
-- a range scan of tutti_events_type with no sorting. select-events.sql serves the other cases.
-- Parameters: @type, @after (seq), @limit.
SELECT seq, id, type, source, subject, time, data, extensions
FROM tutti_events
WHERE type = @type AND seq > @after
ORDER BY seq
LIMIT @limit;
