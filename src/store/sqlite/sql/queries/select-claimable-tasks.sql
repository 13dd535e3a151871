-- Tasks of a queue that a worker may claim now: visible, without an outcome, and unleased or with
-- an expired lease; oldest first (visible_at, then enqueue order). Run in the claim's write
-- transaction.
-- Parameters: @queue, @now (epoch ms), @max.
SELECT id, queue, run_id AS runId, position, name, input, attempt, visible_at AS visibleAt,
  worker_id AS workerId, lease_expires_at AS leaseExpiresAt, outcome
FROM tutti_tasks
WHERE queue = @queue AND visible_at <= @now AND outcome IS NULL
  AND (lease_expires_at IS NULL OR lease_expires_at <= @now)
ORDER BY visible_at, seq
LIMIT @max;
