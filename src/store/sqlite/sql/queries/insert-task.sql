-- Enqueues a task, unleased. An id already enqueued is left as it is (its place, its lease, its
-- outcome): an engine that dispatches a step again after a restart finds the task it made before.
-- Parameters: a NewTask: @id, @queue, @runId, @position, @name, @input, @attempt, @visibleAt.
INSERT OR IGNORE INTO tutti_tasks (id, queue, run_id, position, name, input, attempt, visible_at, worker_id, lease_expires_at)
VALUES (@id, @queue, @runId, @position, @name, @input, @attempt, @visibleAt, NULL, NULL);
