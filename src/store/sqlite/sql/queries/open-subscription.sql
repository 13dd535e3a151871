-- Creates a subscription at a position, or gives an existing one the new types and keeps the
-- rest of its state; returns it as stored (`types` and `ackedAbove` as JSON arrays).
-- Parameters: @name, @types (JSON array), @position, @createdAt (epoch ms).
INSERT INTO tutti_subscriptions (name, types, position, acked_above, created_at)
VALUES (@name, @types, @position, '[]', @createdAt)
ON CONFLICT (name) DO UPDATE SET types = excluded.types
RETURNING name, types, position, acked_above AS ackedAbove, created_at AS createdAt;
