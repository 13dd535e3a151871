-- One task by id.
-- Parameters: @id.
SELECT id, queue, run_id AS runId, position, name, input, attempt, visible_at AS visibleAt,
  worker_id AS workerId, lease_expires_at AS leaseExpiresAt, outcome
FROM tutti_tasks
WHERE id = @id;
