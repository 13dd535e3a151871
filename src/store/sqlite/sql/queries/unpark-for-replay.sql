-- Drops a subscription's parked rows that are not dead letters, for a replay: the events they
-- stand for are delivered again from the new position. Dead letters stay until redriven.
-- Parameters: @subscription.
DELETE FROM tutti_parked WHERE subscription = @subscription AND state <> 'dead';
