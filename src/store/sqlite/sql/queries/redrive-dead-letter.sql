-- Turns a dead letter back into a retry due at @now, its attempts reset and its last error kept
-- for diagnosis. Redrive runs it for each row list-dead-letters.sql selects, in one transaction,
-- so that the dead letters an operator lists and those a redrive with the same filter takes are
-- chosen by the same statement.
-- Parameters: @subscription, @seq, @now (epoch ms).
UPDATE tutti_parked SET state = 'retrying', attempts = 0, next_at = @now
WHERE subscription = @subscription AND seq = @seq AND state = 'dead';
