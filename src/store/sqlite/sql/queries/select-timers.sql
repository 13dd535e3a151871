-- A run's timers in position order.
-- Parameters: @runId.
SELECT run_id AS runId, position, kind, fire_at AS fireAt, attempt
FROM tutti_timers
WHERE run_id = @runId
ORDER BY position;
