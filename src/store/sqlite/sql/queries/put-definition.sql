-- Stores a definition, overwriting the body under its kind, name and version if there is one.
-- The caller has decided, in the same transaction, that it must be written (created or replaced).
-- Parameters: a NewDefinition: @kind, @name, @version, @body, @registeredAt.
INSERT INTO tutti_definitions (kind, name, version, body, registered_at)
VALUES (@kind, @name, @version, @body, @registeredAt)
ON CONFLICT (kind, name, version) DO UPDATE SET body = excluded.body, registered_at = excluded.registered_at;
