-- The newest migration applied to this file (0 for a new file).
-- Parameters: none. Returns: version.
SELECT coalesce(max(version), 0) AS version FROM tutti_migrations;
