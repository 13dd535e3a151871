-- Creates a run unless one with this id exists (idempotent start); `changes` tells which.
-- Parameters: a NewRun: @id, @workflow, @version, @input, @parentId, @createdAt.
INSERT OR IGNORE INTO tutti_runs (id, workflow, version, status, input, parent_id, created_at, updated_at)
VALUES (@id, @workflow, @version, 'running', @input, @parentId, @createdAt, @createdAt);
