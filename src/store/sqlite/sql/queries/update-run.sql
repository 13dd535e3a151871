-- Applies a transition to its run. Every transition sets updated_at, so `changes` = 0 means
-- that the run does not exist (UnknownRunError) and no other read is needed.
-- Parameters: @runId, @at; @status (NULL leaves it); @setOutput (1 to write @output, which may
-- be NULL; 0 leaves it); @setError and @error likewise.
UPDATE tutti_runs SET
  status = coalesce(@status, status),
  output = CASE WHEN @setOutput THEN @output ELSE output END,
  error = CASE WHEN @setError THEN @error ELSE error END,
  updated_at = @at
WHERE id = @runId;
