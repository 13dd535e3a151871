-- One subscription (`types` and `ackedAbove` as JSON arrays).
-- Parameters: @name.
SELECT name, types, position, acked_above AS ackedAbove, created_at AS createdAt
FROM tutti_subscriptions
WHERE name = @name;
