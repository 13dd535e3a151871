/** `tutti dlq list|show|redrive`: the dead letters of a SQLite store's subscriptions, and their redrive. */
import type { Command } from 'commander';
import { toCloudEvent } from '../bus/cloud-event.js';
import { deadLetterJson, isoOrNull } from '../bus/event-json.js';
import { ConfigError } from '../core/errors.js';
import type { RecordedError } from '../core/serialize.js';
import type { DeadLetterQuery } from '../store/event-log.js';
import {
  DB_HELP,
  type DbOption,
  describeError,
  parseCount,
  parseJson,
  parseList,
  print,
  truncate,
  withStore,
} from './common.js';
import { formatTable } from './table.js';

interface FilterOptions extends DbOption {
  subscription?: string;
  type?: string;
}

export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description("inspect and redrive the subscriptions' dead letters");

  dlq
    .command('list')
    .description('dead letters, oldest event first')
    .option('--db <file>', DB_HELP)
    .option('--subscription <name>', "only this subscription's")
    .option('--type <type>', 'only events of this type')
    .option('--limit <n>', 'at most this many dead letters', '50')
    .option('--json', 'print JSON (one array, events as CloudEvents) for scripts')
    .action(async (options: FilterOptions & { limit: string; json?: boolean }) => {
      const limit = parseCount(options.limit, '--limit');
      await withStore(options, async (store) => {
        const found = await store.listDeadLetters({ ...filter(options), limit: limit + 1 });
        const shown = found.slice(0, limit);
        if (options.json) return print(JSON.stringify(shown.map(deadLetterJson), null, 2));
        if (shown.length === 0) return print('no dead letters');
        print(
          formatTable([
            ['SUBSCRIPTION', 'SEQ', 'TYPE', 'ATTEMPTS', 'LAST FAILED', 'ERROR'],
            ...shown.map((d) => [
              d.subscription,
              String(d.seq),
              d.event.type,
              String(d.attempts),
              isoOrNull(d.lastFailedAt) ?? '-',
              truncate(describeError(parseJson(d.error) ?? undefined)),
            ]),
          ]),
        );
        if (found.length > limit) print(`(the first ${limit}; --limit <n> for more)`);
      });
    });

  dlq
    .command('show')
    .description('one dead letter in full: its event, attempts, failure times and error with its stack')
    .argument('<subscription>', 'the subscription')
    .argument('<seq>', "the event's seq (see `tutti dlq list`)")
    .option('--db <file>', DB_HELP)
    .option('--json', 'print JSON for scripts')
    .action(async (subscription: string, seqText: string, options: DbOption & { json?: boolean }) => {
      const seq = parseCount(seqText, '<seq>');
      await withStore(options, async (store) => {
        const [dead] = await store.listDeadLetters({ subscription, seqs: [seq], limit: 1 });
        if (!dead) {
          throw new ConfigError(
            `no dead letter ${seq} in subscription '${subscription}'; list them with \`tutti dlq list\``,
          );
        }
        if (options.json) return print(JSON.stringify(deadLetterJson(dead), null, 2));
        const error = parseJson(dead.error) as RecordedError | null;
        print(
          [
            `dead letter  seq ${dead.seq} of subscription '${dead.subscription}'`,
            `type         ${dead.event.type}`,
            `attempts     ${dead.attempts}`,
            `failed       first ${isoOrNull(dead.firstFailedAt) ?? '-'}   last ${isoOrNull(dead.lastFailedAt) ?? '-'}`,
            '',
            'error',
            ...(error ? errorLines(error) : ['  (none recorded)']),
            '',
            'event',
            JSON.stringify(toCloudEvent(dead.event), null, 2),
          ].join('\n'),
        );
      });
    });

  dlq
    .command('redrive')
    .description('deliver dead letters again (attempts start over); say which, or --all')
    .option('--db <file>', DB_HELP)
    .option('--subscription <name>', "only this subscription's")
    .option('--type <type>', 'only events of this type')
    .option('--seq <seqs>', 'only these events: comma-separated seqs')
    .option('--all', 'every dead letter of every subscription')
    .action(async (options: FilterOptions & { seq?: string; all?: boolean }) => {
      const query: DeadLetterQuery = { ...filter(options) };
      if (options.seq !== undefined) query.seqs = parseList(options.seq, '--seq').map((s) => parseCount(s, '--seq'));
      const filtered = Object.keys(query).length > 0;
      if (!filtered && !options.all) {
        throw new ConfigError(
          'dlq redrive: say which dead letters: --subscription <name>, --type <type>, --seq <n,...>, or --all for every one',
        );
      }
      if (filtered && options.all) {
        throw new ConfigError('dlq redrive: --all redrives every dead letter; drop it, or drop the filters');
      }
      await withStore(options, async (store) => {
        const count = await store.redrive(query, Date.now());
        print(
          `redriven ${count} dead letter(s); running subscribers pick them up within their poll interval (500 ms by default)`,
        );
      });
    });
}

/** The query of --subscription and --type (absent keys when not given). */
function filter(options: FilterOptions): DeadLetterQuery {
  const query: DeadLetterQuery = {};
  if (options.subscription !== undefined) query.subscription = options.subscription;
  if (options.type !== undefined) query.type = options.type;
  return query;
}

/** The error chain, each error with its stack frames, indented under 'error'. */
function errorLines(error: RecordedError, label = ''): string[] {
  if (error.kind === 'value') return [`  ${label}thrown value ${JSON.stringify(error.value)}`];
  // The stack begins with the name and message as they were when it was captured: print the
  // recorded ones, then its frames.
  const stack = error.stack?.split('\n') ?? [];
  const firstFrame = stack.findIndex((line) => /^\s+at /.test(line));
  const frames = firstFrame === -1 ? [] : stack.slice(firstFrame).map((line) => `  ${line}`);
  return [
    `  ${label}${error.name}: ${error.message}`,
    ...frames,
    ...(error.cause ? errorLines(error.cause, 'caused by ') : []),
  ];
}
