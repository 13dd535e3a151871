/**
 * `tutti/client`'s worker against a real server over HTTP: stop() hands back the tasks it claimed
 * but has not started (POST /v1/tasks/{id}/release), so that another worker gets them at once
 * rather than after their leases; the steps under way still finish and report.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWorker, defineService } from '../../src/client/index.js';
import { type Logger, silentLogger } from '../../src/core/logger.js';
import { deferred, within } from '../engine/helpers.js';
import { type Order, start, until, withServer } from './helpers.js';

/** Far longer than the test may take: a task that waits out its lease fails it. */
const LEASE_MS = 20_000;

/**
 * Wraps the platform's fetch so that the test can cut the task streams open now, as a network
 * would: the worker sees its stream fail and opens another.
 */
function cuttableStreams() {
  const realFetch = globalThis.fetch;
  const cuts = new Set<AbortController>();
  const state = { opened: 0 };
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    if (!String(input).includes('/v1/tasks/stream') || !response.body) return response;
    state.opened++;
    const cut = new AbortController();
    cuts.add(cut);
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    response.body.pipeTo(writable, { signal: cut.signal }).catch(() => {});
    return new Response(readable, { status: response.status, headers: response.headers });
  };
  return {
    get opened() {
      return state.opened;
    },
    cut() {
      for (const cut of cuts) cut.abort(new TypeError('terminated: the test cut the connection'));
      cuts.clear();
    },
    restore() {
      globalThis.fetch = realFetch;
    },
  };
}

describe('createWorker: stop() hands back the tasks not started', { timeout: 60_000 }, () => {
  it('a task waiting for the slot goes to another worker at once, not after its lease; the running step finishes', async () => {
    const streams = cuttableStreams();
    try {
      await withServer(async (server, workers) => {
        const firstStarted = deferred();
        const finishFirst = deferred();
        const ran: string[] = [];
        const received: string[] = [];
        const logger: Logger = {
          ...silentLogger,
          debug: (message, meta) => {
            if (message === 'task received') received.push(String(meta?.taskId));
          },
        };
        const stopping = createWorker({ url: server.url, workerId: 'stopping', leaseMs: LEASE_MS, logger });
        const service = defineService('payment', {
          charge: async (o: Order) => {
            ran.push(o.id);
            if (o.id === 'first') {
              firstStarted.resolve();
              await finishFirst.promise;
            }
            return { chargeId: `c-${o.id}`, by: 'stopping' };
          },
        });
        workers.push(stopping.serve(service, { concurrency: 1 }));
        await stopping.start();
        const first = await start(server, 'first');
        await within(firstStarted.promise, 5_000, 'the first step');

        // The stream breaks while the step runs and is opened again; the new stream has the whole
        // concurrency to fill, so the next task is pushed and waits in the worker for the slot.
        streams.cut();
        await until(() => streams.opened === 2, 'the stream opened again');
        const second = await start(server, 'second');
        await until(() => received.includes('second:0:1'), 'the second task at the stopping worker');
        assert.equal((await server.store.getTask('second:0:1'))?.workerId, 'stopping');

        const taker = createWorker({ url: server.url, workerId: 'taker', leaseMs: LEASE_MS });
        workers.push(
          taker.serve(
            defineService('payment', { charge: async (o: Order) => ({ chargeId: `c-${o.id}`, by: 'taker' }) }),
          ),
        );
        await taker.start();

        const stopped = stopping.stop({ drainMs: 10_000 });
        const stopCalled = Date.now();
        assert.deepEqual(await within(second.result(), 5_000, 'the handed-back task, run by another worker'), {
          chargeId: 'c-second',
          by: 'taker',
        });
        const waited = Date.now() - stopCalled;
        assert.ok(waited < LEASE_MS / 10, `the task reached the other worker ${waited} ms after stop()`);

        // The step under way was not cut short, and stop() waited for it.
        finishFirst.resolve();
        await within(stopped, 5_000, 'stop()');
        assert.deepEqual(await first.result(), { chargeId: 'c-first', by: 'stopping' });
        assert.deepEqual(ran, ['first'], 'the stopping worker did not start the task it handed back');
      });
    } finally {
      streams.restore();
    }
  });
});
