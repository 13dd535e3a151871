-- Dead letters in seq order (then by subscription), each row with its event's columns, filtered;
-- a NULL parameter means "any".
-- Parameters: @subscription, @type (the event's), @seqs (JSON array of seqs), @limit (-1: no limit).
SELECT parked.subscription, parked.seq, parked.state, parked.attempts, parked.next_at AS nextAt,
  parked.error, parked.first_failed_at AS firstFailedAt, parked.last_failed_at AS lastFailedAt,
  event.id, event.type, event.source, event.subject, event.time, event.data, event.extensions
FROM tutti_parked AS parked
JOIN tutti_events AS event ON event.seq = parked.seq
WHERE parked.state = 'dead'
  AND (@subscription IS NULL OR parked.subscription = @subscription)
  AND (@type IS NULL OR event.type = @type)
  AND (@seqs IS NULL OR parked.seq IN (SELECT value FROM json_each(@seqs)))
ORDER BY parked.seq, parked.subscription
LIMIT @limit;
