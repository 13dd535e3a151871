-- Parks an event of a subscription, replacing its parked row if it has one (a retry that failed
-- again, a held event that failed, a dead letter).
-- Parameters: a ParkedDelivery: @subscription, @seq, @state, @attempts, @nextAt, @error,
-- @firstFailedAt, @lastFailedAt.
INSERT OR REPLACE INTO tutti_parked
  (subscription, seq, state, attempts, next_at, error, first_failed_at, last_failed_at)
VALUES (@subscription, @seq, @state, @attempts, @nextAt, @error, @firstFailedAt, @lastFailedAt);
