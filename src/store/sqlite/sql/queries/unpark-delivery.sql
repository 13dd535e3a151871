-- Removes a subscription's parked row for an event (acknowledged after a retry, or released
-- from a hold), if there is one.
-- Parameters: @subscription, @seq.
DELETE FROM tutti_parked WHERE subscription = @subscription AND seq = @seq;
