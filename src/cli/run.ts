/**
 * `tutti run <name> --input <json>`: runs a registered Conductor workflow definition to its end in
 * this process, printing a progress line per task (stderr) and the output (stdout).
 *
 * SIMPLE tasks need workers: `--workers <module>` names a JavaScript module whose default export
 * (or `workers` export) is either `defineTaskWorkers(…)` or a plain object of worker functions by
 * task name. Definitions made only of system tasks (INLINE, HTTP, JSON_JQ_TRANSFORM, WAIT…) need none.
 */
import type { Command } from 'commander';
import type { JsonObject } from '../conductor/model.js';
import { createDefinitionRegistry } from '../conductor/registry.js';
import type { TaskEvent } from '../conductor/run/interpreter.js';
import { registeredTaskDefs, registeredWorkflows } from '../conductor/run/registered.js';
import type { TaskWorkers } from '../conductor/run/workers.js';
import { ConfigError, RunCancelledError, RunFailedError } from '../core/errors.js';
import { recordError } from '../core/serialize.js';
import { createTutti } from '../engine/tutti.js';
import { CommandFailed, DB_HELP, type DbOption, describeError, openExisting, parseCount, print } from './common.js';
import { loadWorkers } from './workers-module.js';

interface RunOptions extends DbOption {
  input: string;
  version?: string;
  workers?: string;
  id?: string;
  quiet?: boolean;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a registered workflow definition to its end: a progress line per task, then its output')
    .argument('<name>', 'the workflow definition (registered with `tutti defs register`)')
    .option('--input <json>', "the workflow's input, a JSON object", '{}')
    .option('--version <n>', 'the version to run (default: the highest registered)')
    .option('--workers <module>', 'a JavaScript module exporting the workers of the SIMPLE tasks')
    .option('--id <runId>', 'the run id (starting an existing id waits for that run)')
    .option('--quiet', 'no progress lines')
    .option('--db <file>', DB_HELP)
    .action(async (name: string, options: RunOptions) => {
      const input = parseInput(options.input);
      const version = options.version === undefined ? undefined : parseCount(options.version, '--version');
      const store = openExisting(options);
      const registry = createDefinitionRegistry(store);
      let workers: TaskWorkers | undefined;
      try {
        workers = await loadWorkers(options.workers, await registeredTaskDefs(registry));
        const onTask = options.quiet ? undefined : progress;
        const built = await registeredWorkflows(registry, name, { workers, onTask }, version).catch(
          (error: unknown) => {
            if (options.workers === undefined && error instanceof ConfigError && /no worker for/.test(error.message)) {
              throw new ConfigError(`${error.message}; from the command line, pass --workers <module> exporting them`);
            }
            throw error;
          },
        );
        // Only this run: other runs in flight in the database belong to whoever started them.
        const tutti = await createTutti({
          store,
          services: workers.services,
          workflows: built.workflows,
          resume: false,
        });
        try {
          const run = await tutti.start(built.workflow, input, { id: options.id });
          process.stderr.write(`run ${run.id}: ${built.workflow.name} v${built.workflow.version}\n`);
          const output = await run.result().catch((error: unknown) => {
            if (error instanceof RunFailedError || error instanceof RunCancelledError) {
              const cause = error instanceof RunFailedError ? describeError(recordError(error.cause)) : error.message;
              throw new CommandFailed(
                `run ${run.id} ${error instanceof RunFailedError ? 'failed' : 'was cancelled'}: ${cause}`,
              );
            }
            throw error;
          });
          print(JSON.stringify(output, null, 2));
        } finally {
          await tutti.close();
        }
      } finally {
        await workers?.close();
        await store.close().catch(() => {}); // closed by tutti.close() when it got that far
      }
    });
}

function parseInput(text: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `--input: not JSON (${(error as Error).message}); give an object, e.g. --input '{"fileLocation":"s3://raw/take-1.mov"}'`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`--input: the workflow's input must be a JSON object, not ${JSON.stringify(value)}`);
  }
  return value as JsonObject;
}

function progress(event: TaskEvent): void {
  if (event.status === 'IN_PROGRESS') {
    process.stderr.write(`  ${event.taskReferenceName}: iteration ${String(event.output.iteration)}\n`);
    return;
  }
  const kind = event.taskType === 'SIMPLE' ? event.name : event.taskType;
  const reason = event.reasonForIncompletion ? `: ${event.reasonForIncompletion}` : '';
  process.stderr.write(`  ${event.status} ${event.taskReferenceName} (${kind}) ${event.durationMs} ms${reason}\n`);
}
