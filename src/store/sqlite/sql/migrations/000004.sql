-- 000004: a remote worker's result is kept with its task (src/engine/task-queue.ts).
--
-- Append-only: never edit a migration that has shipped; add the next number instead.

-- The outcome reported by the worker holding the lease, as JSON ({"ok":true,"value":…} or
-- {"ok":false,"error":…}); NULL while the task waits or runs. A task with an outcome is no
-- longer claimable; it is removed by the engine's write that journals the outcome, so a crash
-- between the worker's report and that write loses nothing and runs nothing twice.
ALTER TABLE tutti_tasks ADD COLUMN outcome TEXT;

-- The tasks of one run: removed together when the run finishes.
CREATE INDEX tutti_tasks_run ON tutti_tasks (run_id);
