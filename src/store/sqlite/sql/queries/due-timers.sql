-- Timers due at or before @until across all runs, earliest first.
-- Parameters: @until (epoch ms), @limit.
SELECT run_id AS runId, position, kind, fire_at AS fireAt, attempt
FROM tutti_timers
WHERE fire_at <= @until
ORDER BY fire_at, run_id, position
LIMIT @limit;
