-- A write that changes nothing, committed when no migration is pending: a file or directory
-- this process cannot write fails here, at open, instead of at the first commit.
-- Parameters: @version (the current schema version).
UPDATE tutti_migrations SET applied_at = applied_at WHERE version = @version;
