-- Leases a task just selected as claimable to a worker.
-- Parameters: @id, @workerId, @leaseExpiresAt (epoch ms).
UPDATE tutti_tasks SET worker_id = @workerId, lease_expires_at = @leaseExpiresAt WHERE id = @id;
