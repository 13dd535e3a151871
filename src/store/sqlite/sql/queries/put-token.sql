-- Stores a new token unless its id is taken: no change then (the caller reports the duplicate).
-- Parameters: a NewToken: @id, @namespace, @name, @hash, @createdAt.
INSERT INTO tutti_tokens (id, namespace, name, hash, created_at)
VALUES (@id, @namespace, @name, @hash, @createdAt)
ON CONFLICT (id) DO NOTHING;
