// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Conductor expressions are `${…}` in plain strings
/**
 * `tutti/client`'s API client against a real server: a Conductor definition registered, a run
 * started, signalled, read and cancelled over HTTP, its SIMPLE task run by a worker from the same
 * package; events published; the server's errors surfaced as TuttiHttpError.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, createWorker, defineService, TuttiHttpError, type Worker } from '../../src/client/index.js';
import { rejection } from '../engine/helpers.js';
import { type TestServer, testServer, until } from './helpers.js';

/** A WAIT for signal 'approval', then the SIMPLE task 'encode' (served by a remote worker). */
const definition = {
  name: 'approve_and_encode',
  version: 1,
  tasks: [
    { name: 'approval', taskReferenceName: 'approval', type: 'WAIT' },
    {
      name: 'encode',
      taskReferenceName: 'encode',
      type: 'SIMPLE',
      inputParameters: { fileLocation: '${workflow.input.fileLocation}', by: '${approval.output.by}' },
    },
  ],
  outputParameters: { location: '${encode.output.location}' },
  schemaVersion: 2,
};

describe('createClient', { timeout: 30_000 }, () => {
  let server: TestServer;
  let worker: Worker;
  const encoded: unknown[] = [];

  before(async () => {
    server = await testServer({});
    // A SIMPLE task's queue is its task type: a service named after it, with a step of that name.
    worker = createWorker({ url: server.url }).serve(
      defineService('encode', {
        encode: async (input: { fileLocation: string; by: string }) => {
          encoded.push(input);
          return { location: `${input.fileLocation}.mp4` };
        },
      }),
    );
    await worker.start();
  });
  after(async () => {
    await worker.stop({ drainMs: 0 });
    await server.close();
  });

  it('registers a definition, starts a run, signals it, and reads it with its steps', async () => {
    const tutti = createClient({ url: server.url });
    assert.deepEqual(await tutti.register(definition), [
      { kind: 'workflow', name: 'approve_and_encode', version: 1, outcome: 'created' },
    ]);
    assert.equal((await tutti.register(JSON.stringify(definition)))[0]?.outcome, 'unchanged');

    const run = await tutti.start('approve_and_encode', { fileLocation: 's3://a.mov' }, { id: 'take-1' });
    assert.equal(run.id, 'take-1');
    assert.equal(run.workflow, 'approve_and_encode');
    assert.equal((await tutti.start('approve_and_encode', {}, { id: 'take-1' })).id, 'take-1', 'idempotent by id');

    const sent = await tutti.signal('take-1', 'approval', { by: 'ada' });
    assert.equal(sent.signal, 'approval');
    assert.equal(typeof sent.eventId, 'string');
    await until(async () => (await tutti.run('take-1')).status === 'completed', 'the run to complete');
    const done = await tutti.run('take-1', { steps: true });
    assert.deepEqual(done.output, { location: 's3://a.mov.mp4' });
    assert.deepEqual(encoded, [{ fileLocation: 's3://a.mov', by: 'ada' }]);
    assert.ok(done.steps && done.steps.length > 0, 'the journal is included');
    assert.equal((await tutti.run('take-1')).steps, undefined);
  });

  it('cancels a run', async () => {
    const tutti = createClient({ url: server.url });
    await tutti.register(definition);
    await tutti.start('approve_and_encode', { fileLocation: 's3://b.mov' }, { id: 'take-2' });
    await tutti.cancel('take-2', 'changed my mind');
    await until(async () => (await tutti.run('take-2')).status === 'cancelled', 'the run to be cancelled');
  });

  it('publishes a CloudEvent, idempotent by id', async () => {
    const tutti = createClient({ url: server.url });
    const event = { id: 'order-42-placed', source: '/shop', type: 'order.placed', data: { total: 99 } };
    const first = await tutti.publish(event);
    assert.equal(first.id, 'order-42-placed');
    assert.ok(first.seq >= 1);
    assert.deepEqual(await tutti.publish(event), { id: 'order-42-placed', seq: first.seq, duplicate: true });
    const generated = await tutti.publish({ source: '/shop', type: 'order.placed' });
    assert.match(generated.id, /^[0-9a-f-]{36}$/);
  });

  it("turns the server's errors into TuttiHttpError with its status, code and message", async () => {
    const tutti = createClient({ url: server.url });
    const missing = await rejection(tutti.run('no-such-run'));
    assert.ok(missing instanceof TuttiHttpError);
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'NOT_FOUND');
    assert.match(missing.message, /^GET \/v1\/runs\/no-such-run: 404 NOT_FOUND: no run 'no-such-run'/);
    assert.equal(missing.retryable, false);

    const invalid = await rejection(tutti.publish({ source: '/shop', type: 'bad type!' }));
    assert.equal(invalid.status, 400);
    assert.equal(invalid.code, 'EVENT_INVALID');
    assert.match(invalid.message, /type/);

    const unknown = await rejection(tutti.start('never_registered', {}));
    assert.equal(unknown.status, 404);

    const down = await rejection(createClient({ url: 'http://127.0.0.1:9' }).run('x'));
    assert.equal(down.code, 'UNREACHABLE');
    assert.equal(down.retryable, true);
  });
});
