/**
 * `tutti/client`'s worker against a real server over HTTP, delivery: a workflow calls
 * `remoteService('payment', …)` on the server, and workers built with createWorker run the steps,
 * over both transports, with failures, heartbeats and a worker killed mid-step. Executions are
 * counted, so that a step run twice (or not at all) fails the test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorker, defineService, NonRetryableError } from '../../src/client/index.js';
import { rejection, within } from '../engine/helpers.js';
import { type Order, order, refund, start, until, withServer } from './helpers.js';

describe('createWorker: delivery', { timeout: 60_000 }, () => {
  for (const transport of ['stream', 'poll'] as const) {
    it(`${transport}: runs a remote step and its workflow completes with the output; 50 runs at concurrency 5`, async () => {
      await withServer(async (server, workers) => {
        let executions = 0;
        let running = 0;
        let peak = 0;
        const charges = defineService('payment', {
          charge: async (o: Order, ctx) => {
            executions++;
            peak = Math.max(peak, ++running);
            assert.equal(ctx.step, 'payment.charge');
            assert.equal(ctx.idempotencyKey, `${ctx.runId}:0`);
            await sleep(20);
            running--;
            return { chargeId: `c-${o.id}`, by: worker.workerId };
          },
        });
        const worker = createWorker({ url: server.url, transport, workerId: `w-${transport}` });
        workers.push(worker.serve(charges, { concurrency: 5 }));
        await worker.start();

        assert.deepEqual(await (await start(server, 'one')).result(), { chargeId: 'c-one', by: `w-${transport}` });
        assert.equal(executions, 1);

        executions = 0;
        const runs = await Promise.all(Array.from({ length: 50 }, (_, i) => start(server, `many-${i}`)));
        const results = await within(Promise.all(runs.map((r) => r.result())), 10_000, '50 runs');
        assert.deepEqual(
          results.map((r) => r.chargeId),
          runs.map((r) => `c-${r.id}`),
        );
        assert.equal(executions, 50, 'each step ran once');
        assert.equal(peak, 5, 'never more than the concurrency, and the concurrency used');
      });
    });
  }

  it('retries a retryable failure as a new attempt; a NonRetryableError (or retryable: false) fails the run', async () => {
    await withServer(async (server, workers) => {
      const attempts = new Map<string, number[]>();
      const charges = defineService('payment', {
        charge: async (o: Order, ctx) => {
          attempts.set(o.id, [...(attempts.get(o.id) ?? []), ctx.attempt]);
          if (o.id === 'flaky' && ctx.attempt === 1) throw new Error('gateway busy');
          if (o.id === 'declined') throw new NonRetryableError('card declined');
          if (o.id === 'invalid') throw Object.assign(new Error('no such card'), { code: 'CARD', retryable: false });
          return { chargeId: `c-${o.id}`, by: 'w' };
        },
      });
      const worker = createWorker({ url: server.url });
      workers.push(worker.serve(charges));
      await worker.start();

      assert.deepEqual(await (await start(server, 'flaky')).result(), { chargeId: 'c-flaky', by: 'w' });
      assert.deepEqual(attempts.get('flaky'), [1, 2]);

      const declined = await rejection((await start(server, 'declined')).result());
      assert.match(declined.message, /step 'payment.charge' failed .*card declined/);
      assert.deepEqual(attempts.get('declined'), [1]);
      assert.equal((await server.tutti.getRun('declined'))?.status, 'failed');

      const invalid = await rejection((await start(server, 'invalid')).result());
      assert.match(invalid.message, /no such card/);
      assert.deepEqual(attempts.get('invalid'), [1]);
    });
  });

  it("fails a task for a step the worker's service lacks, without retrying, naming the steps it has", async () => {
    await withServer(async (server, workers) => {
      const worker = createWorker({ url: server.url });
      workers.push(worker.serve(defineService('payment', { charge: async () => ({}) })));
      await worker.start();
      const run = await server.tutti.start(refund, order('r-1'), { id: 'r-1' });
      const error = await rejection(run.result());
      assert.match(error.message, /has no step 'refund' \(its steps: 'charge'\)/);
      const info = await server.tutti.getRun('r-1');
      assert.equal(info?.status, 'failed');
    });
  });

  it('heartbeats: a step that runs 2.5 times its lease completes once, not redelivered', async () => {
    await withServer(async (server, workers) => {
      let executions = 0;
      const slow = defineService('payment', {
        charge: async (o: Order, ctx) => {
          executions++;
          await sleep(2_500);
          assert.equal(ctx.signal.aborted, false);
          return { chargeId: `c-${o.id}`, by: 'slow' };
        },
      });
      // Two workers: a lease that ran out would hand the task to either.
      for (const id of ['a', 'b']) {
        const worker = createWorker({ url: server.url, leaseMs: 1_000, workerId: id });
        workers.push(worker.serve(slow));
        await worker.start();
      }
      assert.deepEqual(await (await start(server, 'long')).result(), { chargeId: 'c-long', by: 'slow' });
      assert.equal(executions, 1);
    });
  });

  it('a worker SIGKILLed while it holds a task: another gets the task once the lease runs out, and completes the run', async () => {
    await withServer(async (server, workers) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/client/worker-crash-child.ts', server.url], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => {
          stdout += d;
        });
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        await until(() => stdout.includes('ready'), `the child worker to connect (stderr: ${stderr})`, 15_000);
        const run = await start(server, 'orphan');
        await until(() => stdout.includes('started orphan 1'), 'the child worker to start the step');
        const held = await server.store.getTask('orphan:0:1');
        assert.equal(held?.workerId, 'doomed');
        child.kill('SIGKILL');
        await exited;

        const seen: { attempt: number; key: string }[] = [];
        const survivor = createWorker({ url: server.url, workerId: 'survivor' });
        workers.push(
          survivor.serve(
            defineService('payment', {
              charge: async (o: Order, ctx) => {
                seen.push({ attempt: ctx.attempt, key: ctx.idempotencyKey });
                return { chargeId: `c-${o.id}`, by: 'survivor' };
              },
            }),
          ),
        );
        await survivor.start();
        assert.deepEqual(await within(run.result(), 5_000, 'the redelivered task'), {
          chargeId: 'c-orphan',
          by: 'survivor',
        });
        // The same task (attempt 1) redelivered, not a retry; the dead worker's result never came.
        assert.deepEqual(seen, [{ attempt: 1, key: 'orphan:0' }]);
        assert.equal((stdout.match(/started/g) ?? []).length, 1);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
    });
  });
});
