-- Appends one journal entry. A position written twice violates the primary key, which the
-- adapter reports as JournalConflictError.
-- Parameters: @runId, @position, @kind, @name, @ok (1 or 0), @output, @attempts, @startedAt, @finishedAt.
INSERT INTO tutti_journal (run_id, position, kind, name, ok, output, attempts, started_at, finished_at)
VALUES (@runId, @position, @kind, @name, @ok, @output, @attempts, @startedAt, @finishedAt);
