-- The definitions of a kind, as DefinitionRecords, by name then version; a NULL @name means "any".
-- Parameters: @kind, @name.
SELECT kind, name, version, body, registered_at AS registeredAt
FROM tutti_definitions
WHERE kind = @kind AND (@name IS NULL OR name = @name)
ORDER BY name, version;
