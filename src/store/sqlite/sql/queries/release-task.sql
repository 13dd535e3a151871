-- Hands a task back that the worker holds and has not reported: unleased again, as it was before
-- the claim, so that any worker may claim it at once (its id and attempt stay). `changes` = 0
-- when the worker does not hold it (its lease ran out, another worker claimed it, an outcome is
-- recorded, or the task is gone).
-- Parameters: @id, @workerId, @now (epoch ms).
UPDATE tutti_tasks SET worker_id = NULL, lease_expires_at = NULL
WHERE id = @id AND worker_id = @workerId AND outcome IS NULL AND lease_expires_at > @now;
