/**
 * A worker that takes a `payment.charge` task and never finishes it, for worker.test.ts to
 * SIGKILL: prints `ready` once connected, then `started <runId> <attempt>` when the step begins.
 */
import { createWorker, defineService } from '../../src/client/index.js';

const payment = defineService('payment', {
  charge: async (_order: unknown, ctx) => {
    process.stdout.write(`started ${ctx.runId} ${ctx.attempt}\n`);
    await new Promise(() => {}); // holds the task (heartbeating) until the process is killed
  },
});
const worker = createWorker({ url: process.argv[2] as string, workerId: 'doomed', leaseMs: 1_000 });
worker.serve(payment);
await worker.start();
process.stdout.write('ready\n');
