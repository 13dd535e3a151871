-- Opens a run again from a journal position (Store.reopenRun): what the run recorded from there
-- on goes, and it is 'running' again. One statement per table, in the caller's transaction.
-- Parameters: @runId, @from, @at; @setInput (1 to write @input) and @input.
DELETE FROM tutti_journal WHERE run_id = @runId AND position >= @from;
DELETE FROM tutti_timers WHERE run_id = @runId AND position >= @from;
DELETE FROM tutti_tasks WHERE run_id = @runId AND position >= @from;
UPDATE tutti_runs SET
  status = 'running',
  output = NULL,
  error = NULL,
  input = CASE WHEN @setInput THEN @input ELSE input END,
  updated_at = @at
WHERE id = @runId;
