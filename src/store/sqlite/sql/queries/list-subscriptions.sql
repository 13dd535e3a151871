-- Every subscription by name (`types` and `ackedAbove` as JSON arrays).
-- Parameters: none.
SELECT name, types, position, acked_above AS ackedAbove, created_at AS createdAt
FROM tutti_subscriptions
ORDER BY name;
