/**
 * The order saga with each service in its own process: this script starts `tutti server` (in
 * this process, on a SQLite file) with the saga, then the inventory, payment and shipping
 * services as three processes of their own, places two orders, and stops everything.
 *
 *   npx tsx examples/order-saga-services/main.ts
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type TuttiServer } from '../../src/server/server.js';
import { inventory, type Order, payment, placeOrder, shipping } from './contract.js';

export interface SagaDemo {
  server: TuttiServer;
  services: ChildProcess[];
  stop(): Promise<void>;
}

/** Starts the server and the three service processes; resolves once every service is connected. */
export async function startDemo(): Promise<SagaDemo> {
  const dir = mkdtempSync(join(tmpdir(), 'tutti-saga-'));
  const server = await startServer({
    db: join(dir, 'tutti.db'),
    port: 0,
    auth: false, // a demo on one machine; see docs/api.md for tokens
    workflows: [placeOrder],
    services: [inventory, payment, shipping],
  });
  const here = new URL('./services.ts', import.meta.url).pathname;
  const services = ['inventory', 'payment', 'shipping'].map((name) =>
    spawn(process.execPath, ['--import', 'tsx', here, name, server.url], { stdio: ['ignore', 'pipe', 'inherit'] }),
  );
  await Promise.all(
    services.map(
      (child) =>
        new Promise<void>((resolve, reject) => {
          child.stdout?.once('data', (line) => {
            process.stdout.write(`  ${String(line)}`);
            resolve();
          });
          child.once('exit', (code) => reject(new Error(`a service exited (${code}) before it connected`)));
        }),
    ),
  );
  return {
    server,
    services,
    async stop() {
      for (const child of services) child.kill('SIGTERM');
      await Promise.all(services.map((child) => new Promise((resolve) => child.once('exit', resolve))));
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('starting tutti server and three services, each in its own process:');
  const demo = await startDemo();
  console.log(`tutti server (pid ${process.pid}) on ${demo.server.url}\n`);
  const orders: Order[] = [
    { id: 'A', sku: 'sku-guitar', quantity: 1, amount: 499, card: 'card-ok' },
    { id: 'B', sku: 'sku-guitar', quantity: 2, amount: 998, card: 'card-declined' },
  ];
  for (const order of orders) {
    const run = await demo.server.tutti.start(placeOrder, order, { id: `order-${order.id}` });
    try {
      console.log(`order ${order.id}: completed`, await run.result());
    } catch (error) {
      console.log(`order ${order.id}: failed: ${(error as Error).message}`);
      const journal = (await demo.server.tutti.store.readRunState(run.id))?.journal ?? [];
      for (const entry of journal.filter((e) => e.kind === 'compensation')) {
        console.log(`  compensated: ${entry.name} → ${entry.output}`);
      }
    }
  }
  await demo.stop();
}
