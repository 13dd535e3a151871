-- A run's journal in position order; `ok` comes back as 1 or 0.
-- Parameters: @runId.
SELECT run_id AS runId, position, kind, name, ok, output, attempts,
  started_at AS startedAt, finished_at AS finishedAt
FROM tutti_journal
WHERE run_id = @runId
ORDER BY position;
