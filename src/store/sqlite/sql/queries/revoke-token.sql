-- Marks a token revoked; changes nothing (0 changes) when it is unknown or revoked already.
-- Parameters: @id, @now.
UPDATE tutti_tokens
SET revoked_at = @now
WHERE id = @id AND revoked_at IS NULL;
