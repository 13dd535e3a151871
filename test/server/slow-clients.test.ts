/**
 * Slow clients: a request whose body stalls gets a 408 and its connection closed after
 * `requestTimeoutMs`, while answers that take longer than that (a long-poll) are not cut.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

describe('slow clients', () => {
  let server: TuttiServer;
  before(async () => {
    server = await startServer({ store: createMemoryStore(), port: 0, auth: false, requestTimeoutMs: 400 });
  });
  after(() => server?.close());

  it('answers 408 and closes the connection of a client that stops sending its body', { timeout: 10_000 }, async () => {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    const started = Date.now();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(
      'POST /v1/events HTTP/1.1\r\nHost: tutti\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"spec',
    );
    await closed;
    assert.match(answer, /^HTTP\/1\.1 408/);
    const waited = Date.now() - started;
    assert.ok(waited >= 350 && waited < 5_000, `closed after ${waited} ms`);
  });

  it('lets an answer take longer than the timeout: a long-poll of 1.2 s is not cut', async () => {
    const started = Date.now();
    const response = await fetch(`${server.url}/v1/tasks/poll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queue: 'nobody', workerId: 'w', waitMs: 1_200 }),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), []);
    assert.ok(Date.now() - started >= 1_100);
  });

  it('refuses a timeout too short to be meant', async () => {
    await assert.rejects(
      startServer({ store: createMemoryStore(), port: 0, auth: false, requestTimeoutMs: 10 }),
      /^ConfigError: requestTimeoutMs: must be a whole number of milliseconds, at least 100; got 10$/,
    );
  });
});
