-- A subscription's parked events in seq order, each row with its event's columns.
-- Parameters: @subscription, @states (JSON array of states, or NULL for all).
SELECT parked.subscription, parked.seq, parked.state, parked.attempts, parked.next_at AS nextAt,
  parked.error, parked.first_failed_at AS firstFailedAt, parked.last_failed_at AS lastFailedAt,
  event.id, event.type, event.source, event.subject, event.time, event.data, event.extensions
FROM tutti_parked AS parked
JOIN tutti_events AS event ON event.seq = parked.seq
WHERE parked.subscription = @subscription
  AND (@states IS NULL OR parked.state IN (SELECT value FROM json_each(@states)))
ORDER BY parked.seq;
