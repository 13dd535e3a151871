-- Removes a run's timer at a position, if there is one.
-- Parameters: @runId, @position.
DELETE FROM tutti_timers WHERE run_id = @runId AND position = @position;
