/**
 * The bus port's conformance suite (see src/bus/bus.ts): every transport runs it
 * (test/conformance/<transport>-bus.test.ts). Each case gets a fresh bus from `open`; `restart`
 * closes it and opens another on the same durable state, as a new process would.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Bus, Delivery, SubscribeOptions } from '../../src/bus/bus.js';
import type { CloudEvent } from '../../src/bus/cloud-event.js';
import { NonRetryableError } from '../../src/core/errors.js';

export interface OpenedBus {
  bus: Bus;
  /** Closes the bus and opens a new one on the same durable state. */
  restart(): Promise<Bus>;
  cleanup(): Promise<void>;
}

let ids = 0;
export function event(
  type: string,
  subject: string | undefined,
  data: unknown,
  extra: Partial<CloudEvent> = {},
): CloudEvent {
  return {
    specversion: '1.0',
    id: `ev-${++ids}`,
    source: '/test',
    type,
    subject,
    time: new Date(1_700_000_000_000 + ids).toISOString(),
    datacontenttype: 'application/json',
    data,
    ...extra,
  };
}

const fast = { retry: { initialInterval: 5, maxInterval: 20, maxAttempts: 3 } } as const;

/** Records deliveries; `fail` decides per delivery whether the handler throws. */
function recorder(fail: (d: Delivery) => unknown = () => undefined) {
  const seen: Delivery[] = [];
  const handler = async (delivery: Delivery) => {
    seen.push(delivery);
    const error = fail(delivery);
    if (error) throw error;
  };
  return { seen, handler, data: () => seen.map((d) => d.event.data) };
}

export function busConformance(name: string, open: () => Promise<OpenedBus>): void {
  describe(`bus conformance: ${name}`, () => {
    let opened: OpenedBus;
    let bus: Bus;
    beforeEach(async () => {
      opened = await open();
      bus = opened.bus;
    });
    afterEach(() => opened.cleanup());

    const subscribe = (options: Partial<SubscribeOptions> & Pick<SubscribeOptions, 'name' | 'handler'>) =>
      bus.subscribe({ types: ['order.placed'], from: 'beginning', ...fast, ...options });

    it('delivers every event to every subscription, the CloudEvents envelope intact', async () => {
      const billing = recorder();
      const audit = recorder();
      const a = await subscribe({ name: 'billing', handler: billing.handler });
      const b = await subscribe({ name: 'audit', handler: audit.handler });
      const published = [
        event(
          'order.placed',
          'o-1',
          { n: 1 },
          { correlationid: 'c-1', causationid: 'x-0', traceparent: '00-ab-cd-01' },
        ),
        event('order.placed', 'o-2', { n: 2 }),
        event('order.cancelled', 'o-1', { n: 3 }),
      ];
      const results = await bus.publish(published);
      assert.deepEqual(
        results.map((r) => r.created),
        [true, true, true],
      );
      await Promise.all([a.idle(), b.idle()]);
      assert.deepEqual(billing.data().sort(byN), [{ n: 1 }, { n: 2 }]);
      assert.deepEqual(audit.data().sort(byN), [{ n: 1 }, { n: 2 }]);
      const first = billing.seen.find((d) => (d.event.data as { n: number }).n === 1) as Delivery;
      assert.deepEqual(first.event, published[0]);
      assert.equal(first.attempt, 1);
      assert.equal(first.subscription, 'billing');
      assert.equal(first.seq, results[0]?.seq);
    });

    it('keeps the order of events with the same key, one at a time, and runs other keys in parallel', async () => {
      const order: Record<string, number[]> = {};
      const active = new Map<string, number>();
      let parallel = 0;
      let maxParallel = 0;
      const sub = await subscribe({
        name: 'billing',
        concurrency: 16,
        handler: async (d) => {
          const key = d.event.subject as string;
          assert.equal(active.get(key) ?? 0, 0, `two deliveries of key ${key} at once`);
          active.set(key, 1);
          parallel++;
          maxParallel = Math.max(maxParallel, parallel);
          await new Promise((resolve) => setTimeout(resolve, 1 + ((d.event.data as number) % 3)));
          order[key] = [...(order[key] ?? []), d.event.data as number];
          active.set(key, 0);
          parallel--;
        },
      });
      const events = Array.from({ length: 60 }, (_, i) => event('order.placed', `k-${i % 4}`, i));
      await bus.publish(events.slice(0, 30));
      await bus.publish(events.slice(30));
      await sub.idle();
      for (let k = 0; k < 4; k++) {
        assert.deepEqual(
          order[`k-${k}`],
          Array.from({ length: 15 }, (_, i) => i * 4 + k),
        );
      }
      assert.ok(maxParallel > 1, 'different keys ran in parallel');
    });

    it('delivers an event published twice (same id) once', async () => {
      const billing = recorder();
      const sub = await subscribe({ name: 'billing', handler: billing.handler });
      const once = event('order.placed', 'o-1', 'once');
      const [first] = await bus.publish([once]);
      const [again] = await bus.publish([{ ...once, data: 'changed' }]);
      assert.deepEqual(again, { seq: first?.seq, created: false });
      await sub.idle();
      assert.deepEqual(billing.data(), ['once']);
    });

    it('does not deliver acknowledged events again after a restart, and resumes with the rest', async () => {
      const before = recorder();
      const sub = await subscribe({ name: 'billing', handler: before.handler });
      await bus.publish([event('order.placed', 'o-1', 1), event('order.placed', 'o-2', 2)]);
      await sub.idle();
      bus = await opened.restart();
      await bus.publish([event('order.placed', 'o-3', 3)]);
      const after = recorder();
      const resumed = await subscribe({ name: 'billing', handler: after.handler });
      await resumed.idle();
      assert.deepEqual(before.data().sort(), [1, 2]);
      assert.deepEqual(after.data(), [3]);
    });

    it("a new subscription starts at the log's end unless it asks for the beginning", async () => {
      await bus.publish([event('order.placed', 'o-1', 'old')]);
      const fromEnd = recorder();
      const fromStart = recorder();
      const a = await subscribe({ name: 'late', from: 'end', handler: fromEnd.handler });
      const b = await subscribe({ name: 'replaying', from: 'beginning', handler: fromStart.handler });
      await bus.publish([event('order.placed', 'o-2', 'new')]);
      await Promise.all([a.idle(), b.idle()]);
      assert.deepEqual(fromEnd.data(), ['new']);
      assert.deepEqual(fromStart.data().sort(), ['new', 'old']);
    });

    it('retries a failing delivery with backoff; its key waits, other keys do not', async () => {
      const log: string[] = [];
      const sub = await subscribe({
        name: 'billing',
        handler: async (d) => {
          log.push(`${d.event.data}#${d.attempt}`);
          if (d.event.data === 'a1' && d.attempt < 3) throw new Error('flaky');
        },
      });
      await bus.publish([
        event('order.placed', 'a', 'a1'),
        event('order.placed', 'a', 'a2'),
        event('order.placed', 'b', 'b1'),
      ]);
      await waitFor(() => log.includes('a2#1'));
      await sub.idle();
      assert.ok(log.indexOf('a1#3') < log.indexOf('a2#1'), `a2 waited for a1: ${log}`);
      assert.ok(log.indexOf('b1#1') < log.indexOf('a1#3'), `b1 did not wait for a1: ${log}`);
      assert.deepEqual(await bus.deadLetters(), []);
    });

    it('dead-letters an event after its last attempt with error, attempts and times; its key moves on', async () => {
      const billing = recorder((d) => (d.event.data === 'bad' ? new Error('cannot bill') : undefined));
      const sub = await subscribe({ name: 'billing', handler: billing.handler });
      const [bad] = await bus.publish([event('order.placed', 'a', 'bad'), event('order.placed', 'a', 'next')]);
      await waitFor(() => billing.data().includes('next'));
      await sub.idle();
      assert.deepEqual(billing.data(), ['bad', 'bad', 'bad', 'next']);
      const [dead] = await bus.deadLetters({ subscription: 'billing' });
      assert.equal(dead?.seq, bad?.seq);
      assert.equal(dead?.state, 'dead');
      assert.equal(dead?.attempts, 3);
      assert.match(dead?.error ?? '', /cannot bill/);
      assert.ok((dead?.firstFailedAt ?? 0) > 0 && (dead?.lastFailedAt ?? 0) >= (dead?.firstFailedAt ?? 0));
      assert.equal(dead?.event.data, '"bad"');
    });

    it('dead-letters at once an error that says it is not retryable', async () => {
      const billing = recorder(() => new NonRetryableError('schema says no'));
      const sub = await subscribe({ name: 'billing', handler: billing.handler });
      await bus.publish([event('order.placed', 'a', 'x')]);
      await waitFor(async () => (await bus.deadLetters()).length === 1);
      await sub.idle();
      assert.equal(billing.seen.length, 1);
    });

    it('redrives dead letters: one, by filter, all; each is delivered again from attempt 1', async () => {
      let healthy = false;
      const billing = recorder(() => (healthy ? undefined : new NonRetryableError('down')));
      const sub = await subscribe({
        name: 'billing',
        types: ['order.placed', 'order.cancelled'],
        handler: billing.handler,
      });
      const seqs = (
        await bus.publish([
          event('order.placed', 'a', 'p1'),
          event('order.cancelled', 'b', 'c1'),
          event('order.placed', 'c', 'p2'),
        ])
      ).map((r) => r.seq);
      await waitFor(async () => (await bus.deadLetters()).length === 3);
      healthy = true;
      assert.equal(await bus.redrive({ subscription: 'billing', seqs: [seqs[0] as number] }), 1);
      await waitFor(() => billing.data().filter((d) => d === 'p1').length === 2);
      assert.equal(await bus.redrive({ type: 'order.cancelled' }), 1);
      await waitFor(() => billing.data().filter((d) => d === 'c1').length === 2);
      assert.equal(await bus.redrive({}), 1);
      await waitFor(() => billing.data().filter((d) => d === 'p2').length === 2);
      await sub.idle();
      assert.deepEqual(await bus.deadLetters(), []);
      assert.deepEqual(
        billing.seen.slice(3).map((d) => d.attempt),
        [1, 1, 1],
      );
    });

    it('replays a subscription from a position and from a time', async () => {
      const billing = recorder();
      const sub = await subscribe({ name: 'billing', handler: billing.handler });
      const published = [event('order.placed', 'a', 1), event('order.placed', 'b', 2), event('order.placed', 'c', 3)];
      const seqs = (await bus.publish(published)).map((r) => r.seq);
      await sub.idle();
      await bus.replay('billing', { position: seqs[0] as number });
      await waitFor(() => billing.seen.length === 5);
      await bus.replay('billing', { time: new Date(published[2]?.time as string) });
      await waitFor(() => billing.seen.length === 6);
      await sub.idle();
      assert.deepEqual(billing.data().slice(3).sort(), [2, 3, 3]);
    });

    it('times out a handler that does not return and retries it', async () => {
      const attempts: number[] = [];
      const sub = await subscribe({
        name: 'billing',
        timeout: 30,
        handler: (d) => {
          attempts.push(d.attempt);
          if (d.attempt === 1) return new Promise<void>(() => {}); // never settles
          return undefined;
        },
      });
      await bus.publish([event('order.placed', 'a', 'slow')]);
      await waitFor(() => attempts.length === 2, 5_000);
      await sub.idle();
      assert.deepEqual(attempts, [1, 2]);
    });

    it("publishes a handler's events with its acknowledgement only; a failed attempt publishes nothing", async () => {
      const invoices = recorder();
      const sent = await bus.subscribe({
        name: 'mail',
        types: ['invoice.created'],
        from: 'beginning',
        ...fast,
        handler: invoices.handler,
      });
      const billing = await subscribe({
        name: 'billing',
        handler: async (d) => {
          d.publish([
            event('invoice.created', d.event.subject, `invoice for ${d.event.data}#${d.attempt}`, {
              id: `inv-${d.event.id}`,
            }),
          ]);
          if (d.attempt === 1) throw new Error('first attempt fails after publishing');
        },
      });
      await bus.publish([event('order.placed', 'o-1', 'o-1')]);
      await waitFor(() => invoices.seen.length === 1);
      await Promise.all([billing.idle(), sent.idle()]);
      assert.deepEqual(invoices.data(), ['invoice for o-1#2']);
    });

    it('refuses bad subscribe options with ConfigError naming the field', async () => {
      const handler = async () => {};
      await assert.rejects(bus.subscribe({ name: '', types: ['x'], handler }), {
        code: 'CONFIG_INVALID',
        message: /name/,
      });
      await assert.rejects(bus.subscribe({ name: 's', types: [], handler }), {
        code: 'CONFIG_INVALID',
        message: /types/,
      });
      await assert.rejects(bus.subscribe({ name: 's', types: ['x'], handler, concurrency: 0 }), {
        code: 'CONFIG_INVALID',
        message: /concurrency/,
      });
      await subscribe({ name: 'billing', handler });
      await assert.rejects(subscribe({ name: 'billing', handler }), { code: 'DUPLICATE_NAME' });
    });
  });
}

function byN(a: unknown, b: unknown): number {
  return (a as { n: number }).n - (b as { n: number }).n;
}

/** Polls `condition` until it holds, or fails after `ms`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
