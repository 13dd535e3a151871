/** `tutti events tail|publish`: watch the event log of a SQLite store, and put an event on it by hand. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { type CloudEvent, toCloudEvent, toNewEvent } from '../bus/cloud-event.js';
import { newEventId } from '../bus/event-id.js';
import { EVENT_TYPE } from '../contracts/event-contract.js';
import { ConfigError } from '../core/errors.js';
import type { EventRecord } from '../store/event-log.js';
import type { Store } from '../store/store.js';
import { DB_HELP, type DbOption, iso, parseCount, parseList, print, truncate, withStore } from './common.js';
import { TableStream } from './table.js';

/** Events read from the log per query. */
const PAGE = 1000;
/** How often --follow looks for new events. */
const FOLLOW_INTERVAL_MS = 250;

interface TailOptions extends DbOption {
  type?: string;
  limit: string;
  follow?: boolean;
  json?: boolean;
}

interface PublishOptions extends DbOption {
  key?: string;
  id?: string;
  source: string;
}

export function registerEventsCommand(program: Command): void {
  const events = program.command('events').description('watch the event log and publish events');

  events
    .command('tail')
    .description('the last events of the log, oldest first; --follow keeps printing new ones')
    .option('--db <file>', DB_HELP)
    .option('--type <types>', 'comma-separated event types (default: every type)')
    .option('--limit <n>', 'how many of the last events to print', '20')
    .option('--follow', 'keep printing events as they are published, until Ctrl-C (SIGINT) or SIGTERM')
    .option('--json', 'print one CloudEvent JSON per line, with its seq, for scripts')
    .action(async (options: TailOptions) => {
      const types = options.type === undefined ? undefined : parseList(options.type, '--type');
      const limit = parseCount(options.limit, '--limit');
      await withStore(options, async (store) => {
        const end = await store.lastSeq();
        const printer = new EventPrinter(options.json === true);
        const last = await lastEvents(store, end, types, limit);
        if (last.length === 0 && !options.follow) return print(types ? `no ${types.join(', ')} events` : 'no events');
        printer.print(last, true);
        if (options.follow) await follow(store, end, types, (page) => printer.print(page, false));
      });
    });

  events
    .command('publish')
    .description('publish one event (CloudEvents 1.0); its data is not checked against a contract (see below)')
    .argument('<type>', "the event type, e.g. 'order.placed'")
    .argument('<json>', `the event's data as JSON, e.g. '{"orderId":"42"}'`)
    .option('--key <subject>', 'the ordering key (the CloudEvents subject): same key, same order')
    .option('--id <id>', 'the event id (default: a random UUID); publishing an id again publishes nothing')
    .option('--source <source>', 'the CloudEvents source', '/tutti-cli')
    .option('--db <file>', DB_HELP)
    .addHelpText(
      'after',
      '\nThe command knows no contracts: running subscribers (in any process on this database) pick the\n' +
        'event up by their poll, validate its data against the version they read, and dead-letter it\n' +
        'when it does not match (see `tutti dlq list`).',
    )
    .action(async (type: string, json: string, options: PublishOptions) => {
      const event = buildEvent(type, json, options);
      await withStore(options, async (store) => {
        const [result] = await store.publish([toNewEvent(event)]);
        if (!result) throw new Error(`the store returned no result for event ${event.id}`);
        print(`${result.created ? 'published' : 'already published'} ${event.id} at seq ${result.seq}`);
      });
    });
}

/** The envelope of `tutti events publish`, or a ConfigError naming the bad argument. */
function buildEvent(type: string, json: string, options: PublishOptions): CloudEvent {
  if (!EVENT_TYPE.test(type)) {
    throw new ConfigError(
      `<type>: ${JSON.stringify(type)} is not an event type; use letters, digits, '.', '-' or '_', ` +
        `starting with a letter or digit (e.g. 'order.placed')`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    // On one line: the message quotes the input around the error, which may span lines.
    throw new ConfigError(`<json>: not valid JSON: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}`);
  }
  if (options.id === '') throw new ConfigError('--id: must not be empty');
  if (options.source === '') throw new ConfigError('--source: must not be empty');
  const id = options.id ?? newEventId();
  const event: CloudEvent = {
    specversion: '1.0',
    id,
    source: options.source,
    type,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
    correlationid: id,
  };
  if (options.key !== undefined) event.subject = options.key;
  return event;
}

/** Prints events as a table (whose columns keep their width across --follow) or as JSON lines. */
class EventPrinter {
  private readonly table = new TableStream();

  constructor(private readonly json: boolean) {}

  print(events: readonly EventRecord[], header: boolean): void {
    if (this.json) {
      for (const event of events) print(JSON.stringify({ seq: event.seq, ...toCloudEvent(event) }));
      return;
    }
    const rows = events.map((e) => [
      String(e.seq),
      iso(e.time),
      e.type,
      e.subject ?? '-',
      e.id,
      e.data === null ? '-' : truncate(e.data),
    ]);
    if (header) rows.unshift(['SEQ', 'TIME', 'TYPE', 'SUBJECT', 'ID', 'DATA']);
    if (rows.length > 0) print(this.table.format(rows));
  }
}

/**
 * The last `limit` events of `types` (all when undefined) with seq <= `end`, oldest first. The log
 * is read backwards in spans of seqs that double (limit, 2·limit, 4·limit...), each span forward
 * in pages: a window of `limit` seqs alone would come short with a type filter (or gaps in the
 * seqs). For common types that reads about `limit` events; for a rare type, at worst the log
 * once. At most `limit` events (plus a page) are held at a time.
 */
async function lastEvents(
  store: Store,
  end: number,
  types: readonly string[] | undefined,
  limit: number,
): Promise<EventRecord[]> {
  let found: EventRecord[] = [];
  for (let span = limit; end > 0 && found.length < limit; span *= 2) {
    const start = Math.max(0, end - span);
    const wanted = limit - found.length;
    let inSpan: EventRecord[] = [];
    for await (const page of pages(store, start, end, types)) inSpan = [...inSpan, ...page].slice(-wanted);
    found = [...inSpan, ...found];
    end = start;
  }
  return found;
}

/** The events of `types` with after < seq <= upTo, oldest first, in pages. */
async function* pages(
  store: Store,
  after: number,
  upTo: number,
  types: readonly string[] | undefined,
): AsyncGenerator<EventRecord[]> {
  for (;;) {
    const page = await store.readEvents({ after, types, limit: PAGE });
    const inRange = page.filter((event) => event.seq <= upTo);
    if (inRange.length > 0) yield inRange;
    const last = page.at(-1);
    if (!last || page.length < PAGE || inRange.length < page.length) return;
    after = last.seq;
  }
}

/**
 * Prints the events published after seq `after` every FOLLOW_INTERVAL_MS until SIGINT or SIGTERM,
 * then returns (the caller closes the store). Each round reads up to the log's last seq at its
 * start, so events of other types are not read again round after round.
 */
async function follow(
  store: Store,
  after: number,
  types: readonly string[] | undefined,
  output: (events: EventRecord[]) => void,
): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    for (;;) {
      await sleep(FOLLOW_INTERVAL_MS, undefined, { signal: stop.signal }).catch(() => {});
      if (stop.signal.aborted) return;
      const end = await store.lastSeq();
      for await (const page of pages(store, after, end, types)) output(page);
      after = end;
    }
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}
