/**
 * Shared by the client tests: a real server on a free port (in-memory store) whose workflows call
 * `remoteService('payment', …)`, and waiting for a condition.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from '../../src/client/index.js';
import type { WorkflowDefinition } from '../../src/core/types.js';
import type { AnyService } from '../../src/engine/service.js';
import { defineWorkflow, remoteService } from '../../src/index.js';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { Store } from '../../src/store/store.js';

export interface TestServer extends TuttiServer {
  store: Store;
}

export async function testServer(options: {
  workflows?: WorkflowDefinition<any, any>[];
  services?: AnyService[];
  auth?: boolean;
  store?: Store;
  port?: number;
}): Promise<TestServer> {
  const store = options.store ?? createMemoryStore();
  const server = await startServer({
    store,
    port: options.port ?? 0,
    auth: options.auth ?? false,
    workflows: options.workflows,
    services: options.services,
  });
  return Object.assign(server, { store });
}

/** Resolves once `check` holds; fails naming `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(10);
  }
}

export interface Order {
  id: string;
  amount: number;
}
export interface Charge {
  chargeId: string;
  by: string;
}

/** The server's side: the service whose steps the workers run, and workflows that call them. */
export const payment = remoteService<{ charge: (o: Order) => Charge; refund: (o: Order) => Charge }>('payment', [
  'charge',
  'refund',
]);
export const checkout = defineWorkflow('checkout', async (ctx, order: Order) =>
  ctx.step(payment.charge, order, { retry: { maxAttempts: 3, initialInterval: '1ms' } }),
);
export const refund = defineWorkflow('refund', async (ctx, order: Order) => ctx.step(payment.refund, order));

/** Runs `body` with a server and stops every worker it made, then the server. */
export async function withServer(body: (server: TestServer, workers: Worker[]) => Promise<void>): Promise<void> {
  const server = await testServer({ workflows: [checkout, refund], services: [payment] });
  const workers: Worker[] = [];
  try {
    await body(server, workers);
  } finally {
    await Promise.all(workers.map((w) => w.stop({ drainMs: 0 })));
    await server.close();
  }
}

export const order = (id: string): Order => ({ id, amount: 10 });
/** Starts a `checkout` run whose id is also its order's id. */
export const start = (server: TestServer, id: string) => server.tutti.start(checkout, order(id), { id });
