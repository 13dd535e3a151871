-- Sets a run's timer at a position, replacing the one already there.
-- Parameters: a TimerRecord: @runId, @position, @kind, @fireAt, @attempt.
INSERT OR REPLACE INTO tutti_timers (run_id, position, kind, fire_at, attempt)
VALUES (@runId, @position, @kind, @fireAt, @attempt);
