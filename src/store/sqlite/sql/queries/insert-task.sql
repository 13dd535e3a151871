-- Enqueues a task, unleased. A task enqueued again under the same id replaces the old one and
-- goes to the back of its queue.
-- Parameters: a NewTask: @id, @queue, @runId, @position, @name, @input, @attempt, @visibleAt.
INSERT OR REPLACE INTO tutti_tasks (id, queue, run_id, position, name, input, attempt, visible_at, worker_id, lease_expires_at)
VALUES (@id, @queue, @runId, @position, @name, @input, @attempt, @visibleAt, NULL, NULL);
