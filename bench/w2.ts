/**
 * W2: the embedded bus on a fresh store. 100,000 events of ~200 bytes, two subscriptions that
 * each consume (acknowledge) all of them.
 * - throughput: events delivered to both subscriptions per second, from the first publish to the
 *   last acknowledgement; publishers send batches of `publishBatch`, `publishersInFlight` at once.
 * - latency: at a fixed `rate` events/s, p50/p99 from `publish()` called to the handler entered.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus, CloudEvent } from '../src/bus/index.js';
import type { Store } from '../src/index.js';
import type { SqliteWriterMode } from '../src/store/sqlite/index.js';
import { bus as busModule, memoryStore, sqliteStore } from './built.js';

export interface W2Settings {
  store: 'sqlite' | 'memory';
  synchronous: 'FULL' | 'NORMAL' | 'OFF';
  writer: SqliteWriterMode;
  events: number;
  publishBatch: number;
  publishersInFlight: number;
  rate: number;
  latencyEvents: number;
}

export interface W2Result {
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

const PADDING = 'x'.repeat(120); // with the other fields, ~200 bytes of JSON per event

function openStore(settings: W2Settings, file: string): Store {
  if (settings.store === 'memory') return memoryStore.createMemoryStore();
  return sqliteStore.createSqliteStore({ path: file, synchronous: settings.synchronous, writer: settings.writer });
}

let counter = 0;
function event(type: string, data: unknown, time = new Date().toISOString()): CloudEvent {
  counter++;
  return {
    specversion: '1.0',
    id: busModule.newEventId(), // as Tutti's own publishes: time-ordered ids
    source: '/bench',
    type,
    subject: `key-${counter % 1000}`,
    time,
    datacontenttype: 'application/json',
    data,
  };
}

export async function runW2(settings: W2Settings): Promise<W2Result> {
  const file = join(tmpdir(), `tutti-w2-${process.pid}-${Date.now()}.db`);
  const store = openStore(settings, file);
  const bus = busModule.createEmbeddedBus(store);
  try {
    await warmUp(bus, settings);
    const eventsPerSec = await throughput(bus, settings);
    const latencies = await latency(bus, settings);
    latencies.sort((a, b) => a - b);
    return { eventsPerSec, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
  } finally {
    await bus.close();
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}

/**
 * A fifth of the workload on another type first, as W1 warms up: a long-running process has a
 * warm JIT in both threads, and each run's writer thread is new.
 */
async function warmUp(bus: Bus, settings: W2Settings): Promise<void> {
  await publishAndConsume(bus, { ...settings, events: Math.ceil(settings.events / 5) }, 'bench.warm-up');
}

async function throughput(bus: Bus, settings: W2Settings): Promise<number> {
  return settings.events / (await publishAndConsume(bus, settings, 'bench.throughput'));
}

/**
 * Publishes `settings.events` events of `type` to two new subscriptions; resolves to the seconds
 * from the first publish to the last acknowledgement.
 */
async function publishAndConsume(bus: Bus, settings: W2Settings, type: string): Promise<number> {
  let delivered = 0;
  const handler = () => {
    delivered++;
  };
  const subscriptions = await Promise.all(
    ['billing', 'audit'].map((name) =>
      bus.subscribe({ name: `${name}.${type}`, types: [type], handler, concurrency: 1000, from: 'end' }),
    ),
  );
  const t0 = performance.now();
  let next = 0;
  const publisher = async () => {
    while (next < settings.events) {
      const count = Math.min(settings.publishBatch, settings.events - next);
      next += count;
      // One clock reading per batch, as a producer stamping a burst would (the bus is measured, not Date).
      const time = new Date().toISOString();
      await bus.publish(Array.from({ length: count }, (_, i) => event(type, { i, pad: PADDING }, time)));
    }
  };
  await Promise.all(Array.from({ length: settings.publishersInFlight }, publisher));
  await Promise.all(subscriptions.map((s) => s.idle()));
  const seconds = (performance.now() - t0) / 1000;
  if (delivered !== settings.events * 2) throw new Error(`W2 delivered ${delivered} of ${settings.events * 2}`);
  await Promise.all(subscriptions.map((s) => s.stop()));
  return seconds;
}

async function latency(bus: Bus, settings: W2Settings): Promise<number[]> {
  const latencies: number[] = [];
  const sent = new Map<number, number>();
  const handler = (d: { event: CloudEvent }) => {
    const i = (d.event.data as { i: number }).i;
    latencies.push(performance.now() - (sent.get(i) as number));
  };
  const subscription = await bus.subscribe({ name: 'latency', types: ['bench.latency'], handler, from: 'end' });
  const interval = 1000 / settings.rate;
  const start = performance.now();
  const publishes: Promise<unknown>[] = [];
  for (let i = 0; i < settings.latencyEvents; i++) {
    const due = start + i * interval;
    while (performance.now() < due) await new Promise((resolve) => setImmediate(resolve));
    sent.set(i, performance.now());
    publishes.push(bus.publish([event('bench.latency', { i, pad: PADDING })]));
  }
  await Promise.all(publishes);
  await subscription.idle();
  await subscription.stop();
  return latencies;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}
