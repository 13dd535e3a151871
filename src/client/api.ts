/**
 * A small client for the rest of the server's `/v1` API (docs/api.md): start, read, cancel and
 * signal runs of registered definitions, publish CloudEvents, register definitions. Each method
 * is one request; an error answer becomes a TuttiHttpError with the server's status, code and
 * message.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError } from '../core/errors.js';
import { type ConnectionOptions, Http } from './http.js';

export type ClientOptions = ConnectionOptions;

/** A run as the server describes it. */
export interface RunJson {
  id: string;
  workflow: string;
  version: string;
  status: string;
  input: unknown;
  output: unknown;
  error: unknown;
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
  /** The run's journal, with `run(id, { steps: true })`. */
  steps?: {
    position: number;
    kind: string;
    name: string;
    ok: boolean;
    output: unknown;
    attempts: number;
    startedAt: string;
    finishedAt: string;
  }[];
}

/** A CloudEvent to publish; `specversion` and `id` are filled in when left out. */
export interface CloudEventInput {
  /** Give one to make a retried publish idempotent: the server keeps one event per id. @default a random UUID */
  id?: string;
  source: string;
  type: string;
  /** @default '1.0' */
  specversion?: '1.0';
  subject?: string;
  time?: string;
  data?: unknown;
  /** Extension attributes (`correlationid`, `traceparent`, `dataversion`…). */
  [extension: string]: unknown;
}

export interface Published {
  id: string;
  seq: number;
  /** True when an event with this id was in the log already (nothing was published). */
  duplicate?: boolean;
}

export interface Registration {
  kind: 'workflow' | 'task';
  name: string;
  version?: number;
  outcome: 'created' | 'replaced' | 'unchanged';
}

export interface TuttiClient {
  /** Starts a run of registered definition `workflow` (its highest version unless `version`); idempotent by `id`. */
  start(workflow: string, input?: unknown, options?: { id?: string; version?: number }): Promise<RunJson>;
  /** A run; with `steps: true`, its journal too. */
  run(id: string, options?: { steps?: boolean }): Promise<RunJson>;
  /** Cancels a run (its compensations run); resolves with the run as it is then. */
  cancel(id: string, reason?: string): Promise<RunJson>;
  /** Sends signal `name` to a run, with `data` (any JSON). */
  signal(id: string, name: string, data?: unknown): Promise<{ signal: string; eventId: string }>;
  /** Publishes one CloudEvent (structured mode). */
  publish(event: CloudEventInput): Promise<Published>;
  /** Registers a Conductor workflow definition, a task definition or a list of them (JSON text or object). */
  register(definition: unknown, options?: { replace?: boolean }): Promise<Registration[]>;
}

/**
 * A client of a Tutti server's `/v1` API.
 *
 * @example
 * const tutti = createClient({ url: 'http://localhost:8080', token: process.env.TUTTI_TOKEN });
 * await tutti.register(JSON.parse(await readFile('encode_and_deploy.json', 'utf8')));
 * const run = await tutti.start('encode_and_deploy', { fileLocation: 's3://raw/a.mov' }, { id: 'take-1' });
 * console.log((await tutti.run(run.id)).status);
 */
export function createClient(options: ClientOptions): TuttiClient {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError("createClient: give the options, e.g. createClient({ url: 'http://localhost:8080' })");
  }
  const http = Http.create(options, 'createClient');
  const runPath = (id: string) => `/v1/runs/${encodeURIComponent(id)}`;
  return {
    start: (workflow, input, options = {}) =>
      http.json({
        method: 'POST',
        path: '/v1/runs',
        body: { workflow, input, id: options.id, version: options.version },
      }),
    run: (id, options = {}) =>
      http.json({ method: 'GET', path: `${runPath(id)}${options.steps ? '?steps=true' : ''}` }),
    cancel: (id, reason) =>
      http.json({ method: 'POST', path: `${runPath(id)}/cancel`, body: reason === undefined ? {} : { reason } }),
    signal: (id, name, data) =>
      http.json({ method: 'POST', path: `${runPath(id)}/signals/${encodeURIComponent(name)}`, body: data }),
    async publish(event) {
      const body = { ...event, specversion: event.specversion ?? '1.0', id: event.id ?? randomUUID() };
      const answer = await http.json<{ published: Published[] }>({
        method: 'POST',
        path: '/v1/events',
        body: JSON.stringify(body),
        contentType: 'application/cloudevents+json',
      });
      return answer.published[0] as Published;
    },
    async register(definition, options = {}) {
      const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
      const answer = await http.json<{ registrations: Registration[] }>({
        method: 'POST',
        path: `/v1/definitions${options.replace ? '?replace=true' : ''}`,
        body: text,
        contentType: 'application/json',
      });
      return answer.registrations;
    },
  };
}
