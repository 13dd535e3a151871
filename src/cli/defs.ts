/**
 * `tutti defs validate|register|list|show`: Conductor workflow and task definitions, checked from
 * files and registered in a SQLite store (src/conductor/registry.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { WorkflowDef } from '../conductor/model.js';
import {
  createDefinitionRegistry,
  type DefinitionDocument,
  type DefinitionRegistry,
  type Registration,
  readDefinitionDocument,
} from '../conductor/registry.js';
import { walkTasks } from '../conductor/walk.js';
import { ConfigError, UnknownWorkflowError } from '../core/errors.js';
import { DB_HELP, type DbOption, iso, parseCount, print, withStore } from './common.js';
import { formatTable } from './table.js';

export function registerDefsCommand(program: Command): void {
  const defs = program.command('defs').description('check and register Conductor workflow and task definitions');

  defs
    .command('validate')
    .description('check a JSON or YAML file: a workflow definition, a task definition, or a list of task definitions')
    .argument('<file>', 'the definition file')
    .action((file: string) => {
      const document = readDocument(file);
      if (document.kind === 'workflow') return print(`ok: ${describeWorkflow(document.definition)}`);
      for (const def of document.definitions) print(`ok: task definition ${def.name}`);
    });

  defs
    .command('register')
    .description('check definition files, then register them in the database (created when missing)')
    .argument('<files...>', 'workflow or task definition files (JSON or YAML), registered in this order')
    .option('--replace', 'overwrite a different definition registered under the same name and version')
    .option('--db <file>', DB_HELP)
    .action(async (files: string[], options: DbOption & { replace?: boolean }) => {
      // Every file is checked before anything is written: a typo in the last file stores nothing.
      const documents = files.map((file) => ({ file, document: readDocument(file) }));
      const replace = options.replace ?? false;
      await withStore(
        options,
        async (store) => {
          const registry = createDefinitionRegistry(store);
          for (const { file, document } of documents) {
            const registrations =
              document.kind === 'workflow'
                ? [await registry.registerWorkflow(document.definition, { replace, source: file })]
                : await registry.registerTaskDefs(document.definitions, { replace, source: file });
            for (const registration of registrations) print(describeRegistration(registration));
          }
        },
        { create: true },
      );
    });

  defs
    .command('list')
    .description('registered definitions: workflows (every version), then task definitions')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print JSON (one array) for scripts')
    .action(async (options: DbOption & { json?: boolean }) => {
      await withStore(options, async (store) => {
        const registry = createDefinitionRegistry(store);
        const rows = [
          ...(await registry.listWorkflows()).map((w) => ({
            kind: 'workflow',
            name: w.name,
            version: w.version as number | null,
            tasks: countTasks(w.definition) as number | null,
            registeredAt: iso(w.registeredAt),
          })),
          ...(await registry.listTaskDefs()).map((t) => ({
            kind: 'task',
            name: t.name,
            version: null,
            tasks: null,
            registeredAt: iso(t.registeredAt),
          })),
        ];
        if (options.json) return print(JSON.stringify(rows, null, 2));
        if (rows.length === 0) return print('no definitions registered');
        print(
          formatTable([
            ['KIND', 'NAME', 'VERSION', 'TASKS', 'REGISTERED'],
            ...rows.map((r) => [r.kind, r.name, String(r.version ?? '-'), String(r.tasks ?? '-'), r.registeredAt]),
          ]),
        );
      });
    });

  defs
    .command('show')
    .description('one registered definition, as JSON')
    .argument('<name>', 'the workflow (or, with --task, task definition) name')
    .option('--version <n>', 'this version of the workflow (default: the latest)')
    .option('--task', 'the task definition of that name, not the workflow')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print the definition with its kind, name, version and registration time, for scripts')
    .action(async (name: string, options: DbOption & { version?: string; task?: boolean; json?: boolean }) => {
      if (options.task && options.version !== undefined) {
        throw new ConfigError('--version: task definitions have no versions; drop --version');
      }
      const version = options.version === undefined ? undefined : parseCount(options.version, '--version');
      await withStore(options, async (store) => {
        const found = await findDefinition(createDefinitionRegistry(store), name, options.task ?? false, version);
        if (!options.json) return print(JSON.stringify(found.definition, null, 2));
        print(JSON.stringify({ ...found, registeredAt: iso(found.registeredAt) }, null, 2));
      });
    });
}

/** The definition `show` prints, or an error saying what is registered instead. */
async function findDefinition(registry: DefinitionRegistry, name: string, task: boolean, version?: number) {
  if (task) {
    const found = await registry.getTaskDef(name);
    if (!found) throw new ConfigError(`no task definition '${name}' is registered; see \`tutti defs list\``);
    return { kind: 'task', name, version: null, registeredAt: found.registeredAt, definition: found.definition };
  }
  const found = await registry.getWorkflow(name, version);
  if (found) return { kind: 'workflow', ...found };
  const taskDefToo = (await registry.getTaskDef(name)) !== undefined;
  throw new UnknownWorkflowError(
    `no workflow definition '${name}'${version === undefined ? '' : ` v${version}`} is registered; ` +
      (taskDefToo ? 'a task definition of that name is: add --task' : 'see `tutti defs list`'),
  );
}

/** The file's definitions, checked on their own; a file that cannot be read is a ConfigError naming it. */
function readDocument(file: string): DefinitionDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read '${file}': ${(error as Error).message}`, { cause: error });
  }
  return readDefinitionDocument(text, { source: file });
}

/** Every task of the definition, nested ones included (fork branches, cases, loop bodies). */
function countTasks(definition: WorkflowDef): number {
  return [...walkTasks(definition)].length;
}

function describeWorkflow(definition: WorkflowDef): string {
  const tasks = countTasks(definition);
  return `${definition.name} v${definition.version ?? 1} (${tasks} ${tasks === 1 ? 'task' : 'tasks'})`;
}

/** 'registered encode_and_deploy v1', 'unchanged task definition encode'… */
function describeRegistration(r: Registration): string {
  const what = r.kind === 'workflow' ? `${r.name} v${r.version}` : `task definition ${r.name}`;
  return `${r.outcome === 'created' ? 'registered' : r.outcome} ${what}`;
}
