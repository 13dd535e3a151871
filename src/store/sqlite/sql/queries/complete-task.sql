-- Removes a finished task if the worker still holds it; `changes` = 0 when another worker has
-- claimed it since (the result must then be dropped).
-- Parameters: @id, @workerId.
DELETE FROM tutti_tasks WHERE id = @id AND worker_id = @workerId;
