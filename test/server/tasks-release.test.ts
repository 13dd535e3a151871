/**
 * `POST /v1/tasks/{id}/release` over real HTTP: a worker hands back a task it has not started and
 * another worker gets it at once (not after the lease); a worker that does not hold the task is
 * refused (409 TASK_NOT_HELD); a stream's slot is freed as by a report; a poll whose client went
 * away while it claimed hands its tasks back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readEvents } from '../../src/client/sse.js';
import type { Store } from '../../src/store/store.js';
import { checkout, payment, start, type TestServer, testServer, until } from '../client/helpers.js';
import { DelegatingStore, within } from '../engine/helpers.js';

/** Long enough that a test passing by a lease running out would time out first. */
const LEASE_MS = 20_000;

/** Aborts `onClaim` once a claim returns tasks: a client that goes away while its poll claims. */
class AbortOnClaimStore extends DelegatingStore {
  onClaim: AbortController | undefined;
  override async claimTasks(...args: Parameters<Store['claimTasks']>) {
    const tasks = await super.claimTasks(...args);
    if (tasks.length > 0) this.onClaim?.abort();
    return tasks;
  }
}

const store = new AbortOnClaimStore();
let server: TestServer;
before(async () => {
  server = await testServer({ workflows: [checkout], services: [payment], store });
});
after(() => server.close());

async function post(path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

const poll = (workerId: string, waitMs = 0) =>
  post('/v1/tasks/poll', { queue: 'payment', workerId, max: 1, leaseMs: LEASE_MS, waitMs });
const release = (taskId: string, workerId: string) => post(`/v1/tasks/${taskId}/release`, { workerId });

describe('POST /v1/tasks/{id}/release', { timeout: 30_000 }, () => {
  it('hands the task back: a waiting poll of another worker gets it at once, same id and attempt', async () => {
    await start(server, 'handed-back');
    const [claimed] = (await poll('worker-a', 5_000)).body;
    assert.equal(claimed.id, 'handed-back:0:1');
    assert.deepEqual((await poll('worker-b')).body, [], 'held by worker-a');

    const waiting = poll('worker-b', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the poll is asleep
    const released = Date.now();
    assert.deepEqual(await release('handed-back:0:1', 'worker-a'), { status: 204, body: undefined });
    const taken = await within(waiting, 5_000, "worker-b's poll");
    // Woken by the release, not by the poll's own once-a-second look, and far from the lease.
    assert.ok(Date.now() - released < 500, `worker-b waited ${Date.now() - released} ms`);
    assert.equal(taken.body.length, 1);
    assert.equal(taken.body[0].id, 'handed-back:0:1');
    assert.equal(taken.body[0].attempt, 1);
    assert.equal((await server.store.getTask('handed-back:0:1'))?.workerId, 'worker-b');
  });

  it('refuses a worker that does not hold the task with 409 TASK_NOT_HELD, and changes nothing', async () => {
    await start(server, 'not-yours');
    await poll('worker-a', 5_000);
    const held = await server.store.getTask('not-yours:0:1');

    const refused = await release('not-yours:0:1', 'worker-b');
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error.code, 'TASK_NOT_HELD');
    assert.match(refused.body.error.message, /worker 'worker-a' holds it/);
    assert.deepEqual(await server.store.getTask('not-yours:0:1'), held);
    assert.equal((await release('no-such-run:0:1', 'worker-a')).status, 409);

    assert.equal((await release('not-yours:0:1', 'worker-a')).status, 204);
    const again = await release('not-yours:0:1', 'worker-a');
    assert.equal(again.status, 409, 'released already');
    assert.match(again.body.error.message, /no worker holds it .*handed it back/);
    const invalid = await release('not-yours:0:1', undefined as unknown as string);
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.error.code, 'REQUEST_INVALID');
    // Cleared for the cases below: this run's task would come first in their polls.
    assert.equal((await poll('worker-x')).body[0].id, 'not-yours:0:1');
    await post('/v1/tasks/not-yours:0:1/complete', { workerId: 'worker-x', output: { chargeId: 'c', by: 'x' } });
  });

  it("frees the slot of the worker's stream, as a report does", async () => {
    const aborted = new AbortController();
    const pushed: { id: string; at: number }[] = [];
    const query = new URLSearchParams({ queue: 'payment', workerId: 'streamer', max: '1', leaseMs: String(LEASE_MS) });
    const response = await fetch(`${server.url}/v1/tasks/stream?${query}`, { signal: aborted.signal });
    const reading = readEvents(response.body as ReadableStream<Uint8Array>, {
      idleMs: 60_000,
      onEvent: (event) => {
        if (event.event === 'task') pushed.push({ id: JSON.parse(event.data).id, at: Date.now() });
      },
    }).catch(() => {});
    try {
      await start(server, 'streamed');
      await until(() => pushed.length === 1, 'the first push');
      await new Promise((resolve) => setTimeout(resolve, 100)); // the full stream is asleep
      const released = Date.now();
      assert.equal((await release('streamed:0:1', 'streamer')).status, 204);
      // The stream has room again at once (not at its once-a-second sweep), and claims the oldest
      // task: the one handed back, since nothing keeps it from the worker that released it.
      await until(() => pushed.length === 2, 'the push after the release');
      assert.equal(pushed[1]?.id, 'streamed:0:1');
      assert.ok((pushed[1]?.at ?? 0) - released < 500, `pushed ${(pushed[1]?.at ?? 0) - released} ms after`);
      await post('/v1/tasks/streamed:0:1/complete', { workerId: 'streamer', output: { chargeId: 'c', by: 's' } });
    } finally {
      aborted.abort();
      await reading;
    }
  });

  it('a poll whose client went away while it claimed hands the tasks back at once', async () => {
    await start(server, 'unheard');
    await until(async () => (await server.store.getTask('unheard:0:1')) !== undefined, 'the task');
    store.onClaim = new AbortController();
    const tasks = await server.tutti.tasks.poll({
      queue: 'payment',
      workerId: 'gone',
      max: 1,
      leaseMs: LEASE_MS,
      waitMs: 0,
      signal: store.onClaim.signal,
    });
    store.onClaim = undefined;
    assert.deepEqual(tasks, []);
    assert.equal((await poll('worker-b')).body[0]?.id, 'unheard:0:1');
  });

  it('is in the OpenAPI document', async () => {
    const document = (await (await fetch(`${server.url}/v1/openapi.json`)).json()) as any;
    const operation = document.paths['/v1/tasks/{id}/release']?.post;
    assert.ok(operation, 'POST /v1/tasks/{id}/release is described');
    assert.ok(operation.responses['204']);
  });
});
