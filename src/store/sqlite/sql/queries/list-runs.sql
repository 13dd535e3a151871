-- Runs, newest first (by creation order), filtered; a NULL parameter means "any".
-- Parameters: @before (id of the last run of the previous page: only runs created strictly
-- before it; an id that names no run matches nothing), @statuses (JSON array of statuses),
-- @workflow, @parentId, @limit.
SELECT id, workflow, version, input, parent_id AS parentId, created_at AS createdAt,
  status, output, error, updated_at AS updatedAt
FROM tutti_runs
WHERE (@before IS NULL OR seq < (SELECT cursor.seq FROM tutti_runs AS cursor WHERE cursor.id = @before))
  AND (@statuses IS NULL OR status IN (SELECT value FROM json_each(@statuses)))
  AND (@workflow IS NULL OR workflow = @workflow)
  AND (@parentId IS NULL OR parent_id = @parentId)
ORDER BY seq DESC
LIMIT @limit;
