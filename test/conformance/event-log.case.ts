/**
 * The event-log cases of the store conformance suite (see store.case.ts and
 * src/store/event-log.ts): the log, subscriptions, delivery commits, parked events, dead
 * letters, redrive and replay, and the outbox (events published by a run's transition).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { PublishResult } from '../../src/store/event-log.js';
import type { Store } from '../../src/store/store.js';
import { newEvent, newRun, parked } from './store-fixtures.js';

/** Registers the event-log cases; `currentStore` returns the store of the running case. */
export function eventLogCases(currentStore: () => Store): void {
  describe('event log', () => {
    let store: Store;
    beforeEach(() => {
      store = currentStore();
    });

    it('appends events with increasing seqs and reads them back intact, in order, by type', async () => {
      const results = await store.publish([
        newEvent('e-1'),
        newEvent('e-2', { type: 'payment.failed', subject: null, data: null, extensions: null }),
        newEvent('e-3', { time: 6_000 }),
      ]);
      assert.deepEqual(
        results.map((r) => r.created),
        [true, true, true],
      );
      const [a, b, c] = results.map((r) => r.seq) as [number, number, number];
      assert.ok(a < b && b < c);
      assert.deepEqual(await store.readEvents({}), [
        { ...newEvent('e-1'), seq: a },
        { ...newEvent('e-2', { type: 'payment.failed', subject: null, data: null, extensions: null }), seq: b },
        { ...newEvent('e-3', { time: 6_000 }), seq: c },
      ]);
      assert.deepEqual(
        (await store.readEvents({ types: ['order.placed'] })).map((e) => e.id),
        ['e-1', 'e-3'],
      );
      assert.deepEqual(
        (await store.readEvents({ after: a, limit: 1 })).map((e) => e.id),
        ['e-2'],
      );
      assert.equal(await store.lastSeq(), c);
    });

    it('publishing an id already in the log writes nothing and returns its seq', async () => {
      const [first] = await store.publish([newEvent('e-1')]);
      const again = await store.publish([newEvent('e-1', { data: '{"changed":true}' }), newEvent('e-2')]);
      assert.deepEqual(again[0], { seq: first?.seq, created: false });
      assert.equal(again[1]?.created, true);
      const events = await store.readEvents({});
      assert.deepEqual(
        events.map((e) => [e.id, e.data]),
        [
          ['e-1', '{"id":"e-1"}'],
          ['e-2', '{"id":"e-2"}'],
        ],
      );
    });

    it('publishes a bulk of events in order, answering for ids already logged and ids repeated in it', async () => {
      const [old] = (await store.publish([newEvent('old')])) as [PublishResult];
      const bulk = Array.from({ length: 120 }, (_, i) => newEvent(`b-${i}`));
      bulk[10] = newEvent('old'); // in the log already
      bulk[70] = newEvent('b-60'); // twice in this publish
      const results = await store.publish(bulk);
      assert.deepEqual(results[10], { seq: old.seq, created: false });
      assert.deepEqual(results[70], { seq: results[60]?.seq, created: false });
      assert.equal(results[60]?.created, true);
      const created = results.filter((r) => r.created);
      assert.equal(created.length, 118);
      const seqs = created.map((r) => r.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        'seqs increase in publish order',
      );
      const logged = await store.readEvents({ after: old.seq, limit: 200 });
      assert.deepEqual(
        logged.map((e) => [e.seq, e.id]),
        bulk.flatMap((e, i) => (results[i]?.created ? [[results[i]?.seq, e.id]] : [])),
      );
    });

    it('positionAt gives the seq before the first event at or after a time', async () => {
      assert.equal(await store.lastSeq(), 0);
      const seqs = (
        await store.publish([
          newEvent('e-1', { time: 100 }),
          newEvent('e-2', { time: 200 }),
          newEvent('e-3', { time: 300 }),
        ])
      ).map((r) => r.seq) as [number, number, number];
      assert.equal(await store.positionAt(150), seqs[0]);
      assert.equal(await store.positionAt(200), seqs[0]);
      assert.equal(await store.positionAt(50), seqs[0] - 1);
      assert.equal(await store.positionAt(1_000), seqs[2]);
    });

    it('a transition publishes its events with the run state, atomically (the outbox)', async () => {
      await store.createRun(newRun('run-1'));
      await store.commit({ runId: 'run-1', at: 1_100, status: 'completed', publish: [newEvent('e-1')] });
      assert.deepEqual(
        (await store.readEvents({})).map((e) => e.id),
        ['e-1'],
      );
      await assert.rejects(store.commit({ runId: 'run-unknown', at: 1_200, publish: [newEvent('e-2')] }), {
        code: 'UNKNOWN_RUN',
      });
      assert.deepEqual(
        (await store.readEvents({})).map((e) => e.id),
        ['e-1'],
        'the event of a refused transition is not in the log',
      );
    });

    it('opens a subscription once: reopening keeps its state and takes the new types', async () => {
      const opened = await store.openSubscription('billing', ['order.placed'], 7, 1_000);
      assert.deepEqual(opened, {
        name: 'billing',
        types: ['order.placed'],
        position: 7,
        ackedAbove: [],
        createdAt: 1_000,
      });
      await store.commitDeliveries({ subscription: 'billing', position: 9, ackedAbove: [11, 12] });
      const reopened = await store.openSubscription('billing', ['order.placed', 'order.cancelled'], 0, 2_000);
      assert.deepEqual(reopened, {
        name: 'billing',
        types: ['order.placed', 'order.cancelled'],
        position: 9,
        ackedAbove: [11, 12],
        createdAt: 1_000,
      });
      assert.deepEqual(await store.getSubscription('billing'), reopened);
      assert.equal(await store.getSubscription('nobody'), undefined);
      await store.openSubscription('audit', ['order.placed'], 0, 3_000);
      assert.deepEqual(
        (await store.listSubscriptions()).map((s) => s.name),
        ['audit', 'billing'],
      );
    });

    it('commits deliveries: position, acked seqs and parked rows, atomically', async () => {
      const seqs = (await store.publish([newEvent('e-1'), newEvent('e-2'), newEvent('e-3')])).map((r) => r.seq);
      const [s1, s2, s3] = seqs as [number, number, number];
      await store.openSubscription('billing', ['order.placed'], 0, 1_000);
      await store.commitDeliveries({
        subscription: 'billing',
        position: s1,
        ackedAbove: [s3],
        park: [parked('billing', s2)],
      });
      const parkedRows = await store.readParked('billing');
      assert.deepEqual(parkedRows, [{ ...parked('billing', s2), event: { ...newEvent('e-2'), seq: s2 } }]);
      assert.deepEqual(await store.readParked('billing', ['dead']), []);

      await store.commitDeliveries({ subscription: 'billing', position: s3, ackedAbove: [], unpark: [s2] });
      const subscription = await store.getSubscription('billing');
      assert.deepEqual([subscription?.position, subscription?.ackedAbove], [s3, []]);
      assert.deepEqual(await store.readParked('billing'), []);
    });

    it("publishes a handler's events with its acknowledgement, atomically, skipping ids already logged", async () => {
      const [{ seq }] = (await store.publish([newEvent('e-1')])) as [PublishResult];
      await store.openSubscription('billing', ['order.placed'], 0, 1_000);
      await store.commitDeliveries({
        subscription: 'billing',
        position: seq,
        ackedAbove: [],
        publish: [newEvent('e-1'), newEvent('caused-1', { type: 'invoice.sent' })],
      });
      assert.deepEqual(
        (await store.readEvents({})).map((e) => e.id),
        ['e-1', 'caused-1'],
      );
      const refused = await Promise.allSettled([
        store.commitDeliveries({
          subscription: 'nobody',
          position: 1,
          ackedAbove: [],
          publish: [newEvent('caused-2')],
        }),
      ]);
      assert.equal(refused[0].status, 'rejected');
      assert.deepEqual(
        (await store.readEvents({})).map((e) => e.id),
        ['e-1', 'caused-1'],
        'the events of a refused commit are not in the log',
      );
    });

    it('replaces a parked row when it is parked again (a retry that failed again)', async () => {
      const [{ seq }] = (await store.publish([newEvent('e-1')])) as [PublishResult];
      await store.openSubscription('billing', ['order.placed'], 0, 1_000);
      await store.commitDeliveries({
        subscription: 'billing',
        position: seq,
        ackedAbove: [],
        park: [parked('billing', seq)],
      });
      const again = parked('billing', seq, { attempts: 2, nextAt: 9_500, lastFailedAt: 9_100 });
      await store.commitDeliveries({ subscription: 'billing', position: seq, ackedAbove: [], park: [again] });
      assert.deepEqual(
        (await store.readParked('billing')).map(({ event: _, ...row }) => row),
        [again],
      );
    });

    it('refuses a delivery commit for an unknown subscription, alone in its batch', async () => {
      await store.openSubscription('billing', ['order.placed'], 0, 1_000);
      const results = await Promise.allSettled([
        store.commitDeliveries({ subscription: 'nobody', position: 1, ackedAbove: [] }),
        store.commitDeliveries({ subscription: 'billing', position: 4, ackedAbove: [] }),
      ]);
      assert.equal(results[0].status, 'rejected');
      assert.equal((results[0] as PromiseRejectedResult).reason.code, 'UNKNOWN_SUBSCRIPTION');
      assert.equal(results[1].status, 'fulfilled');
      assert.equal((await store.getSubscription('billing'))?.position, 4);
    });

    it('lists dead letters by subscription, type and seq, and redrives them as due retries', async () => {
      const seqs = (
        await store.publish([newEvent('e-1'), newEvent('e-2', { type: 'order.cancelled' }), newEvent('e-3')])
      ).map((r) => r.seq) as [number, number, number];
      for (const name of ['billing', 'audit']) {
        await store.openSubscription(name, ['order.placed', 'order.cancelled'], 0, 1_000);
        await store.commitDeliveries({
          subscription: name,
          position: seqs[2],
          ackedAbove: [],
          park: seqs.map((seq) => parked(name, seq, { state: 'dead', attempts: 5, nextAt: null })),
        });
      }
      assert.equal((await store.listDeadLetters()).length, 6);
      const billing = await store.listDeadLetters({ subscription: 'billing' });
      assert.deepEqual(
        billing.map((d) => [d.seq, d.event.id, d.attempts]),
        [
          [seqs[0], 'e-1', 5],
          [seqs[1], 'e-2', 5],
          [seqs[2], 'e-3', 5],
        ],
      );
      assert.deepEqual(
        (await store.listDeadLetters({ subscription: 'billing', type: 'order.cancelled' })).map((d) => d.event.id),
        ['e-2'],
      );
      assert.equal((await store.listDeadLetters({ limit: 2 })).length, 2);

      assert.equal(await store.redrive({ subscription: 'billing', seqs: [seqs[0]] }, 20_000), 1);
      assert.equal(await store.redrive({ subscription: 'billing', type: 'order.cancelled' }, 20_000), 1);
      const rows = await store.readParked('billing');
      assert.deepEqual(
        rows.map((r) => [r.seq, r.state, r.attempts, r.nextAt]),
        [
          [seqs[0], 'retrying', 0, 20_000],
          [seqs[1], 'retrying', 0, 20_000],
          [seqs[2], 'dead', 5, null],
        ],
      );
      assert.equal(rows[0]?.error, parked('billing', seqs[0]).error, 'the last error stays for diagnosis');
      assert.equal(await store.redrive({}, 21_000), 4, 'all that are left: billing e-3 and audit e-1..e-3');
      assert.deepEqual(await store.listDeadLetters(), []);
    });

    it('replays a subscription from a position: acked and parked state goes, dead letters stay', async () => {
      const seqs = (await store.publish([newEvent('e-1'), newEvent('e-2'), newEvent('e-3')])).map((r) => r.seq);
      const [s1, s2, s3] = seqs as [number, number, number];
      await store.openSubscription('billing', ['order.placed'], 0, 1_000);
      await store.commitDeliveries({
        subscription: 'billing',
        position: s1,
        ackedAbove: [s3],
        park: [parked('billing', s2, { state: 'held', attempts: 0, nextAt: null, error: null })],
      });
      await store.commitDeliveries({
        subscription: 'billing',
        position: s1,
        ackedAbove: [s3],
        park: [parked('billing', s1, { state: 'dead' })],
      });
      await store.replay('billing', 0);
      const subscription = await store.getSubscription('billing');
      assert.deepEqual([subscription?.position, subscription?.ackedAbove], [0, []]);
      assert.deepEqual(
        (await store.readParked('billing')).map((r) => [r.seq, r.state]),
        [[s1, 'dead']],
      );
      await assert.rejects(store.replay('nobody', 0), { code: 'UNKNOWN_SUBSCRIPTION' });
    });
  });
}
