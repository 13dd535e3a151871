/**
 * Conductor's skip task on a server (`PUT /api/workflow/{id}/skiptask/{ref}`): the skips of a
 * namespace's runs, made and kept. Each skip is a signal to its run (`conductor.skip`), so it
 * is durable in the event log with no table of its own, and read back once when the namespace
 * opens; the interpreter asks `lookup` as each run (re)starts. How a skip stays replay-safe is
 * in src/conductor/run/task-skips.ts: it is made while the run is held still (tutti.whileHeld),
 * at the position its journal ends at. A crash meanwhile leaves the run running, with or
 * without the skip, never half-made.
 */
import type { JsonObject, WorkflowDef, WorkflowTask } from '../../conductor/model.js';
import type { TaskSkip, TaskSkipLookup } from '../../conductor/run/task-skips.js';
import { walkTasks } from '../../conductor/walk.js';
import { RunStateError } from '../../core/errors.js';
import { closestName } from '../../core/suggest.js';
import { signalType } from '../../engine/signals.js';
import type { Tutti } from '../../engine/tutti.js';
import type { Store } from '../../store/store.js';
import { RequestError } from '../http-errors.js';
import type { ConductorTaskLog } from './task-log.js';

const SKIP_SIGNAL = 'conductor.skip';
const PAGE = 500;

export interface SkipRequest {
  runId: string;
  taskReferenceName: string;
  /** The definition the run runs: the reference must be one of its tasks. */
  def: WorkflowDef;
  taskInput: JsonObject;
  taskOutput: JsonObject;
}

export class SkipRequests {
  private readonly byRun = new Map<string, Map<string, TaskSkip>>();
  private loaded: Promise<void> | undefined;
  private ready = false;
  /** Skips of one run are made one at a time (each holds the run still). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly taskLog: ConductorTaskLog,
  ) {}

  /** For conductorWorkflow's `skips`: at once when the skips are loaded (always, after the first run). */
  readonly lookup: TaskSkipLookup = (runId) =>
    this.ready ? this.byRun.get(runId) : this.load().then(() => this.byRun.get(runId));

  /** Skips a task the run has not reached: holds the run still, records the skip, lets it go on. */
  skip(tutti: Tutti, request: SkipRequest): Promise<void> {
    const { runId } = request;
    const previous = this.queues.get(runId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.skipNow(tutti, request));
    this.queues.set(runId, next);
    void next
      .catch(() => {})
      .then(() => {
        if (this.queues.get(runId) === next) this.queues.delete(runId);
      });
    return next;
  }

  private async skipNow(tutti: Tutti, request: SkipRequest): Promise<void> {
    const { runId, taskReferenceName: ref } = request;
    const run = await tutti.getRun(runId);
    if (!run) throw new RequestError('NOT_FOUND', `no workflow '${runId}'`);
    if (run.status !== 'running') {
      throw new RunStateError(runId, `is ${run.status}, not running, so task '${ref}' cannot be skipped`);
    }
    checkReference(request.def, ref);
    await this.load();
    const seen = this.taskLog.tasks(runId)?.find((task) => task.taskReferenceName === ref);
    if (seen || this.byRun.get(runId)?.has(ref)) {
      throw new RunStateError(
        runId,
        `has already ${seen ? `processed task '${ref}' (${seen.status})` : `skipped task '${ref}'`}; only a task the run has not reached can be skipped`,
      );
    }
    // Held still, the run's journal is whole in the store: where it ends is where the skip starts.
    await tutti.whileHeld(runId, async () => {
      const state = await this.store.readRunState(runId);
      const from = (state?.journal.at(-1)?.position ?? -1) + 1;
      const skip: TaskSkip = {
        taskReferenceName: ref,
        from,
        taskInput: request.taskInput,
        taskOutput: request.taskOutput,
      };
      await tutti.signal(runId, SKIP_SIGNAL, skip);
      this.add(runId, skip);
    });
  }

  private add(runId: string, skip: TaskSkip): void {
    let skips = this.byRun.get(runId);
    if (!skips) {
      skips = new Map();
      this.byRun.set(runId, skips);
    }
    skips.set(skip.taskReferenceName, skip);
  }

  /** Every skip in the log, once (skips are rare: an operator's act). */
  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const types = [signalType(SKIP_SIGNAL)];
      for (let after = 0; ; ) {
        const page = await this.store.readEvents({ types, after, limit: PAGE });
        for (const event of page) {
          if (event.subject && event.data) this.add(event.subject, JSON.parse(event.data) as TaskSkip);
        }
        if (page.length < PAGE) break;
        after = page.at(-1)?.seq as number;
      }
      this.ready = true;
    })();
    this.loaded.catch(() => {
      this.loaded = undefined;
    });
    return this.loaded;
  }
}

function checkReference(def: WorkflowDef, ref: string): void {
  const refs = [...walkTasks(def)].map((site) => (site.task as WorkflowTask).taskReferenceName);
  if (refs.includes(ref)) return;
  const near = closestName(ref, refs);
  throw new RequestError(
    'NOT_FOUND',
    `workflow '${def.name}' v${def.version ?? 1} has no task '${ref}'${near ? ` (did you mean '${near}'?)` : ''}; its tasks are: ${refs.join(', ')}`,
  );
}
