-- Records the outcome of a task if the worker still holds it and none was recorded; `changes` = 0
-- when another worker has claimed it since, or the outcome is already in (the result is dropped).
-- Parameters: @id, @workerId, @outcome (JSON text).
UPDATE tutti_tasks SET outcome = @outcome, lease_expires_at = NULL
WHERE id = @id AND worker_id = @workerId AND outcome IS NULL;
