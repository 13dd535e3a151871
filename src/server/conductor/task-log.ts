/**
 * The tasks of Conductor runs as this server saw them end, for `GET /api/workflow/{id}` with
 * `includeTasks`. Fed by the interpreter's `onTask`, which also fires while a resumed run
 * replays, so a run live in this process shows all its tasks. It is a view, not a record: it
 * is kept in memory for the most recent runs only, and a run that finished before the server
 * last started shows no tasks (its journal, `GET /v1/runs/{id}?steps=true`, has every step).
 */
import type { TaskEvent } from '../../conductor/run/interpreter.js';

/** Runs whose tasks are kept; the oldest run is forgotten first. @default 10000 */
const DEFAULT_RUNS = 10_000;

export class ConductorTaskLog {
  private readonly runs = new Map<string, TaskEvent[]>();

  constructor(private readonly maxRuns = DEFAULT_RUNS) {}

  /** Give it to the interpreter as `onTask`. */
  readonly record = (event: TaskEvent): void => {
    let tasks = this.runs.get(event.runId);
    if (!tasks) {
      tasks = [];
      this.runs.set(event.runId, tasks);
      if (this.runs.size > this.maxRuns) this.runs.delete(this.runs.keys().next().value as string);
    }
    // A DO_WHILE reports IN_PROGRESS as each iteration begins; its end replaces that marker.
    const at = tasks.findIndex((t) => t.taskReferenceName === event.taskReferenceName && t.status === 'IN_PROGRESS');
    if (at >= 0 && event.status !== 'IN_PROGRESS') tasks.splice(at, 1);
    tasks.push(event);
  };

  tasks(runId: string): readonly TaskEvent[] | undefined {
    return this.runs.get(runId);
  }
}
