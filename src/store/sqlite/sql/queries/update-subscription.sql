-- Sets how far a subscription has settled the log (a delivery commit, or a replay); `changes`
-- = 0 means that it does not exist (UnknownSubscriptionError) and no other read is needed.
-- Parameters: @name, @position, @ackedAbove (JSON array of seqs).
UPDATE tutti_subscriptions SET position = @position, acked_above = @ackedAbove WHERE name = @name;
