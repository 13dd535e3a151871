-- Extends a lease the worker still holds; `changes` = 0 when it does not (expired, or claimed
-- by another worker, or the task is gone).
-- Parameters: @id, @workerId, @now, @leaseExpiresAt (epoch ms).
UPDATE tutti_tasks SET lease_expires_at = @leaseExpiresAt
WHERE id = @id AND worker_id = @workerId AND lease_expires_at > @now;
