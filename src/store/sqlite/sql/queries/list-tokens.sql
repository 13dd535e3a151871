-- Tokens, as TokenRecords, oldest first (creation order breaks ties); a NULL @namespace means "any".
-- Parameters: @namespace.
SELECT id, namespace, name, hash, created_at AS createdAt, revoked_at AS revokedAt
FROM tutti_tokens
WHERE @namespace IS NULL OR namespace = @namespace
ORDER BY created_at, seq;
