-- One definition, as a DefinitionRecord: the given version, or the highest one when @version is NULL.
-- Parameters: @kind, @name, @version.
SELECT kind, name, version, body, registered_at AS registeredAt
FROM tutti_definitions
WHERE kind = @kind AND name = @name AND (@version IS NULL OR version = @version)
ORDER BY version DESC
LIMIT 1;
