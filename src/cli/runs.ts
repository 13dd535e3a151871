/** `tutti runs list|show`: what is in a SQLite store, for people (tables) and scripts (--json). */
import type { Command } from 'commander';
import { ConfigError, UnknownRunError } from '../core/errors.js';
import type { RecordedError } from '../core/serialize.js';
import { IN_FLIGHT_STATUSES, RUN_STATUSES, type RunRecord, type RunStatus } from '../store/store.js';
import {
  DB_HELP,
  type DbOption,
  describeError,
  iso,
  parseJson as parse,
  parseCount,
  print,
  truncate,
  withStore,
} from './common.js';
import { formatTable } from './table.js';

const STATUSES: readonly RunStatus[] = RUN_STATUSES;

export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('list and inspect workflow runs');

  runs
    .command('list')
    .description('runs, newest first')
    .option('--db <file>', DB_HELP)
    .option('--status <statuses>', `comma-separated: ${STATUSES.join(', ')}, or 'in-flight'`)
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--limit <n>', 'at most this many runs', '50')
    .option('--json', 'print JSON (one array) for scripts')
    .action(async (options: DbOption & { status?: string; workflow?: string; limit: string; json?: boolean }) => {
      const status = parseStatuses(options.status);
      const limit = parseCount(options.limit, '--limit');
      await withStore(options, async (store) => {
        const list = await store.listRuns({ status, workflow: options.workflow, limit });
        if (options.json) return print(JSON.stringify(list.map(runJson), null, 2));
        if (list.length === 0) return print('no runs');
        print(
          formatTable([
            ['ID', 'WORKFLOW', 'VERSION', 'STATUS', 'CREATED', 'UPDATED'],
            ...list.map((r) => [r.id, r.workflow, r.version, r.status, iso(r.createdAt), iso(r.updatedAt)]),
          ]),
        );
      });
    });

  runs
    .command('show')
    .description('one run with its journal and pending timers')
    .argument('<id>', 'the run id')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print JSON for scripts')
    .action(async (id: string, options: DbOption & { json?: boolean }) => {
      await withStore(options, async (store) => {
        const state = await store.readRunState(id);
        if (!state) throw new UnknownRunError(id);
        const steps = state.journal.map((e) => ({
          position: e.position,
          kind: e.kind,
          name: e.name,
          ok: e.ok,
          attempts: e.attempts,
          startedAt: iso(e.startedAt),
          durationMs: e.finishedAt - e.startedAt,
          [e.ok ? 'output' : 'error']: parse(e.output),
        }));
        const timers = state.timers.map((t) => ({ ...t, fireAt: iso(t.fireAt) }));
        if (options.json) return print(JSON.stringify({ ...runJson(state.run), steps, timers }, null, 2));
        const run = runJson(state.run);
        print(
          [
            `run       ${run.id}`,
            `workflow  ${run.workflow} (version ${run.version})`,
            `status    ${run.status}`,
            `created   ${run.createdAt}   updated ${run.updatedAt}`,
            run.parentId ? `parent    ${run.parentId}` : undefined,
            `input     ${JSON.stringify(run.input)}`,
            run.status === 'completed' ? `output    ${JSON.stringify(run.output)}` : undefined,
            run.error ? `error     ${describeFailure(run.error)}` : undefined,
            '',
            steps.length === 0
              ? 'no steps recorded yet'
              : formatTable([
                  ['#', 'KIND', 'NAME', 'RESULT', 'ATTEMPTS', 'MS', 'OUTPUT / ERROR'],
                  ...state.journal.map((e) => [
                    String(e.position),
                    e.kind,
                    e.name,
                    e.ok ? 'ok' : 'failed',
                    String(e.attempts),
                    String(e.finishedAt - e.startedAt),
                    truncate(e.output ?? ''),
                  ]),
                ]),
            ...timers.map((t) => `pending ${t.kind} timer at position ${t.position}: fires ${t.fireAt}`),
          ]
            .filter((line) => line !== undefined)
            .join('\n'),
        );
      });
    });
}

function parseStatuses(value: string | undefined): readonly RunStatus[] | undefined {
  if (value === undefined) return undefined;
  const statuses: string[] = value
    .split(',')
    .flatMap((s) => (s.trim() === 'in-flight' ? [...IN_FLIGHT_STATUSES] : [s.trim()]));
  for (const status of statuses) {
    if (!STATUSES.includes(status as RunStatus)) {
      throw new ConfigError(`--status: '${status}' is not a status; use ${STATUSES.join(', ')} or in-flight`);
    }
  }
  return statuses as RunStatus[];
}

function runJson(run: RunRecord) {
  return {
    id: run.id,
    workflow: run.workflow,
    version: run.version,
    status: run.status,
    parentId: run.parentId,
    input: parse(run.input),
    output: parse(run.output),
    error: parse(run.error),
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
  };
}

/** The run's error chain and its failed compensations, without stacks: the stored JSON has them (--json). */
function describeFailure(record: {
  error?: RecordedError;
  compensationFailures?: { step: string; error: RecordedError }[];
}): string {
  const compensations = (record.compensationFailures ?? []).map(
    (f) => `\n          compensation ${f.step} failed: ${describeError(f.error)}`,
  );
  return describeError(record.error) + compensations.join('');
}
