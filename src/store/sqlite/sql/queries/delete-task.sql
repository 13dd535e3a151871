-- Removes a task whatever its state: its outcome is journaled, or its attempt was abandoned.
-- Parameters: @id.
DELETE FROM tutti_tasks WHERE id = @id;
