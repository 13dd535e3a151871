-- One token, as a TokenRecord.
-- Parameters: @id.
SELECT id, namespace, name, hash, created_at AS createdAt, revoked_at AS revokedAt
FROM tutti_tokens
WHERE id = @id;
