/**
 * `tutti/client`'s worker against a real server over HTTP, its life: stopping (drain, and abort
 * past drainMs), a task withdrawn under it, tokens (refused at start, and after), bad options.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorker, defineService } from '../../src/client/index.js';
import { createToken } from '../../src/server/tokens.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { deferred, rejection, within } from '../engine/helpers.js';
import { type Charge, checkout, type Order, payment, start, testServer, until, withServer } from './helpers.js';

describe('createWorker: stop, auth, options', { timeout: 60_000 }, () => {
  it('stop() stops claiming and lets a running step finish and report', async () => {
    await withServer(async (server, workers) => {
      const started = deferred();
      let executions = 0;
      let aborted = false;
      const worker = createWorker({ url: server.url });
      worker.serve(
        defineService('payment', {
          charge: async (o: Order, ctx) => {
            executions++;
            started.resolve();
            await sleep(300);
            aborted = ctx.signal.aborted;
            return { chargeId: `c-${o.id}`, by: 'drained' };
          },
        }),
      );
      await worker.start();
      const run = await start(server, 'draining');
      await started.promise;
      const stopping = Date.now();
      await worker.stop();
      assert.ok(Date.now() - stopping >= 200, 'stop waited for the step');
      assert.equal(aborted, false);
      assert.deepEqual(await within(run.result(), 1_000, 'the drained run'), { chargeId: 'c-draining', by: 'drained' });

      await start(server, 'after-stop');
      await sleep(200);
      assert.equal(executions, 1, 'a stopped worker claims nothing');
      assert.equal((await server.store.getTask('after-stop:0:1'))?.workerId, null);
      workers.push(worker);
    });
  });

  it('stop() aborts a step still running after drainMs and drops its result; another worker gets the task', async () => {
    await withServer(async (server, workers) => {
      const reason = deferred<unknown>();
      const worker = createWorker({ url: server.url, leaseMs: 1_000 });
      worker.serve(
        defineService('payment', {
          charge: (_o: Order, ctx) =>
            new Promise<Charge>((_, reject) => {
              ctx.signal.addEventListener('abort', () => {
                reason.resolve(ctx.signal.reason);
                reject(ctx.signal.reason);
              });
            }),
        }),
      );
      await worker.start();
      const run = await start(server, 'stuck');
      await until(async () => (await server.store.getTask('stuck:0:1'))?.workerId === worker.workerId, 'the claim');
      const stopping = Date.now();
      await worker.stop({ drainMs: 100 });
      assert.ok(Date.now() - stopping < 1_000, 'stop did not wait past drainMs');
      assert.match(String(await reason.promise), /did not finish within drainMs \(100 ms\)/);
      assert.equal((await server.store.getTask('stuck:0:1'))?.outcome, null, 'nothing was reported');

      const next = createWorker({ url: server.url, workerId: 'next' });
      workers.push(next.serve(defineService('payment', { charge: async () => ({ chargeId: 'c-stuck', by: 'next' }) })));
      await next.start();
      assert.deepEqual(await within(run.result(), 5_000, 'redelivery'), { chargeId: 'c-stuck', by: 'next' });
    });
  });

  it('aborts the step when its task is withdrawn (the run was cancelled), and reports nothing', async () => {
    await withServer(async (server, workers) => {
      const reason = deferred<any>();
      const started = deferred();
      const worker = createWorker({ url: server.url, leaseMs: 1_000 });
      workers.push(
        worker.serve(
          defineService('payment', {
            charge: (_o: Order, ctx) => {
              started.resolve();
              return new Promise<Charge>((_, reject) =>
                ctx.signal.addEventListener('abort', () => {
                  reason.resolve(ctx.signal.reason);
                  reject(ctx.signal.reason);
                }),
              );
            },
          }),
        ),
      );
      await worker.start();
      await start(server, 'cancelled');
      await started.promise;
      await server.tutti.cancel('cancelled', 'customer left');
      const why = await within(reason.promise, 1_000, 'the abort, at the next heartbeat');
      assert.equal(why.code, 'TASK_NOT_HELD');
      assert.equal((await server.tutti.getRun('cancelled'))?.status, 'cancelled');
    });
  });

  it('auth: works with a valid token; start() rejects a wrong or missing token, saying how to get one', async () => {
    const store = createMemoryStore();
    const { token } = await createToken(store, { namespace: 'default' });
    const server = await testServer({ workflows: [checkout], services: [payment], auth: true, store });
    const worker = createWorker({ url: server.url, token });
    try {
      worker.serve(defineService('payment', { charge: async (o: Order) => ({ chargeId: `c-${o.id}`, by: 'auth' }) }));
      await worker.start();
      assert.deepEqual(await (await start(server, 'authed')).result(), { chargeId: 'c-authed', by: 'auth' });

      const wrong = createWorker({ url: server.url, token: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` });
      wrong.serve(defineService('payment', { charge: async () => ({}) }));
      const refused = await rejection(wrong.start());
      assert.equal(refused.status, 401);
      assert.equal(refused.code, 'UNAUTHENTICATED');
      assert.match(refused.message, /refused the token given to createWorker/);
      assert.match(refused.message, /tutti tokens create --namespace <ns>/);

      const none = createWorker({ url: server.url, transport: 'poll' });
      none.serve(defineService('payment', { charge: async () => ({}) }));
      assert.match((await rejection(none.start())).message, /asks for an API token and none was given/);
    } finally {
      await worker.stop({ drainMs: 0 });
      await server.close();
    }
  });

  it('stops and calls onError when the server refuses the token after start', async () => {
    const store = createMemoryStore();
    const { token } = await createToken(store, { namespace: 'default' });
    let server = await testServer({ workflows: [checkout], services: [payment], auth: true, store });
    const errors: Error[] = [];
    const worker = createWorker({ url: server.url, token, onError: (error) => errors.push(error) });
    try {
      worker.serve(defineService('payment', { charge: async () => ({}) }));
      await worker.start();
      // The same address, a store that never heard of the token: the stream reconnects and is refused.
      const port = Number(new URL(server.url).port);
      await server.close();
      server = await testServer({ workflows: [checkout], services: [payment], auth: true, port });
      await until(() => errors.length > 0, 'onError');
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]?.message), /refused the token given to createWorker/);
    } finally {
      await worker.stop({ drainMs: 0 });
      await server.close();
    }
  });

  it('refuses bad options with a ConfigError naming the option', async () => {
    const code = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return `${(error as { code?: string }).code}: ${(error as Error).message}`;
      }
      return 'no error';
    };
    assert.match(
      code(() => createWorker({} as never)),
      /^CONFIG_INVALID: createWorker: url is missing/,
    );
    assert.match(
      code(() => createWorker({ url: 'localhost:8080/x' })),
      /url .* must start with http/,
    );
    assert.match(
      code(() => createWorker({ url: 'http://x', leaseMs: 10 })),
      /leaseMs must be a whole number from 1000/,
    );
    assert.match(
      code(() => createWorker({ url: 'http://x', transport: 'ws' as never })),
      /transport must be/,
    );
    const worker = createWorker({ url: 'http://127.0.0.1:9' });
    const service = defineService('payment', { charge: async () => ({}) });
    assert.match(
      code(() => worker.serve(service, { concurrency: 0 })),
      /serve\('payment'\): concurrency/,
    );
    assert.match(
      code(() => worker.serve(payment)),
      /remoteService declaration/,
    );
    worker.serve(service);
    assert.match(
      code(() => worker.serve(service)),
      /^DUPLICATE_NAME/,
    );
    assert.match((await rejection(createWorker({ url: 'http://x' }).start())).message, /serve a service first/);
    // Nothing listens on port 9: start() says so instead of retrying quietly.
    const unreachable = await rejection(worker.start());
    assert.equal(unreachable.code, 'UNREACHABLE');
    assert.match(unreachable.message, /no answer from the server/);
  });
});
