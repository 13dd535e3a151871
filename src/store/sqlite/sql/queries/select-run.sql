-- One run, as a RunRecord.
-- Parameters: @id.
SELECT id, workflow, version, input, parent_id AS parentId, created_at AS createdAt,
  status, output, error, updated_at AS updatedAt
FROM tutti_runs
WHERE id = @id;
