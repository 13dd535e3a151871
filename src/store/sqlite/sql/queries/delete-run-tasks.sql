-- Removes every task of a run that has finished: none of them can matter any more.
-- Parameters: @runId.
DELETE FROM tutti_tasks WHERE run_id = @runId;
