/** SharedReads: subscriptions of one bus read each row of the log once, and a short answer is never stale. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedReads } from '../../src/bus/embedded/shared-reads.js';
import type { EventQuery, NewEvent } from '../../src/store/event-log.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { newEvent } from '../conformance/store-fixtures.js';

/** A memory store that counts reads; while `gate.hold` is set, a read runs at once but answers only once released. */
function countingStore() {
  const store = createMemoryStore();
  const reads: EventQuery[] = [];
  const gate: { hold?: Promise<void> } = {};
  const readEvents = store.readEvents.bind(store);
  store.readEvents = (query) => {
    reads.push(query);
    const answer = readEvents(query);
    return gate.hold ? gate.hold.then(() => answer) : answer;
  };
  return { store, reads, gate };
}

test('two subscriptions reading the same range read the store once', async () => {
  const { store, reads } = countingStore();
  await store.publish(Array.from({ length: 300 }, (_, i) => newEvent(`e-${i}`)));
  const shared = new SharedReads(store, 1_000);
  const a = await records(shared, { after: 0, types: ['order.placed'], limit: 200 });
  const b = await records(shared, { after: 0, types: ['order.placed'], limit: 200 });
  assert.deepEqual(
    b.map((e) => e.seq),
    a.map((e) => e.seq),
  );
  assert.equal(reads.length, 1);
  const [c, d] = await Promise.all([
    records(shared, { after: 200, types: ['order.placed'], limit: 200 }),
    records(shared, { after: 200, types: ['order.placed'], limit: 200 }),
  ]);
  assert.equal(c.length, 100);
  assert.equal(d.length, 100);
  await store.close();
});

test('a short answer is never older than the call: events published after another read began are seen', async () => {
  const { store, gate } = countingStore();
  await store.publish([newEvent('e-1')]);
  const shared = new SharedReads(store, 1_000);
  await records(shared, { after: 0, types: ['order.placed'], limit: 10 });
  // A reads past the end (nothing there yet) and its answer is held back; then e-2 is
  // published and B asks: B must not settle for A's empty read.
  let release = () => {};
  gate.hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  const first = records(shared, { after: 1, types: ['order.placed'], limit: 10 });
  await store.publish([newEvent('e-2')]);
  const asked = records(shared, { after: 1, types: ['order.placed'], limit: 10 });
  gate.hold = undefined;
  release();
  const second = await asked;
  assert.deepEqual(await first, [], "A's own answer was right when it read");
  assert.deepEqual(
    second.map((e) => e.id),
    ['e-2'],
  );
  await store.close();
});

/** What a read answers, its records only. */
async function records(shared: SharedReads, query: EventQuery) {
  return (await shared.read(query, 'reader')).records;
}

/** The records a publish through the bus hands to SharedReads: the events with their seqs. */
async function publishThrough(
  shared: SharedReads,
  store: ReturnType<typeof createMemoryStore>,
  ids: string[],
  overrides: Partial<NewEvent> = {},
) {
  const events = ids.map((id) => newEvent(id, overrides));
  const results = await store.publish(events);
  shared.appended(events.map((event, i) => ({ seq: (results[i] as { seq: number }).seq, ...event })));
}

test('events appended through the bus are served without reading them back', async () => {
  const { store, reads } = countingStore();
  const shared = new SharedReads(store, 1_000);
  assert.deepEqual(await records(shared, { after: 0, types: ['order.placed'], limit: 10 }), []);
  await publishThrough(shared, store, ['e-1', 'e-2', 'e-3']);
  reads.length = 0;
  const found = await records(shared, { after: 0, types: ['order.placed'], limit: 3 });
  assert.deepEqual(
    found.map((e) => e.id),
    ['e-1', 'e-2', 'e-3'],
  );
  assert.equal(reads.length, 0, 'a full answer from the appended records');
  await store.close();
});

test('an event appended elsewhere leaves a gap that is read from the store, never skipped', async () => {
  const { store, reads } = countingStore();
  const shared = new SharedReads(store, 1_000);
  await records(shared, { after: 0, types: ['order.placed'], limit: 10 });
  await publishThrough(shared, store, ['e-1']);
  // Another process (or an outbox) appends e-2: this bus never hears of it.
  await store.publish([newEvent('e-2')]);
  await publishThrough(shared, store, ['e-3']);
  reads.length = 0;
  const found = await records(shared, { after: 0, types: ['order.placed'], limit: 10 });
  assert.deepEqual(
    found.map((e) => e.id),
    ['e-1', 'e-2', 'e-3'],
  );
  assert.equal(reads.length, 1, 'the gap was filled from the store');
  await store.close();
});

test('appended events of another type move the window on without records, and seqs with gaps are ignored', async () => {
  const { store, reads } = countingStore();
  const shared = new SharedReads(store, 1_000);
  await records(shared, { after: 0, types: ['order.placed'], limit: 10 });
  await publishThrough(shared, store, ['s-1', 's-2'], { type: 'order.shipped' });
  await publishThrough(shared, store, ['e-1']);
  reads.length = 0;
  assert.deepEqual(
    (await records(shared, { after: 0, types: ['order.placed'], limit: 1 })).map((e) => e.id),
    ['e-1'],
  );
  assert.equal(reads.length, 0);
  // Records whose seqs skip one cannot be trusted to be all there is: they are left to the store.
  const skipping = [
    { seq: 4, ...newEvent('x-1') },
    { seq: 6, ...newEvent('x-2') },
  ];
  shared.appended(skipping);
  const after = await records(shared, { after: 3, types: ['order.placed'], limit: 10 });
  assert.deepEqual(after, [], 'the made-up records were not taken');
  await store.close();
});

test('while a publish of the type is in flight, a read at the end waits for it rather than read the store', async () => {
  const { store, reads } = countingStore();
  const shared = new SharedReads(store, 1_000);
  await publishThrough(shared, store, ['e-1']);
  await shared.read({ after: 0, types: ['order.placed'], limit: 10 }, 'reader');
  reads.length = 0;
  const landed = shared.publishing(new Set(['order.placed']));
  // The writer may commit it before this thread hears so: reading it back would cost a row read.
  await store.publish([newEvent('e-2')]);
  const early = await shared.read({ after: 1, types: ['order.placed'], limit: 10 }, 'reader');
  assert.deepEqual(early, { records: [], complete: false }, 'short, and says it is not the end');
  assert.equal(reads.length, 0);
  // Another type's publish in flight does not hold back this type's reads.
  const other = await shared.read({ after: 0, types: ['order.shipped'], limit: 10 }, 'reader');
  assert.equal(other.complete, true);
  landed();
  const after = await shared.read({ after: 1, types: ['order.placed'], limit: 10 }, 'reader');
  assert.deepEqual(
    after.records.map((e) => e.id),
    ['e-2'],
  );
  assert.equal(after.complete, true);
  await store.close();
});

test('a gap seen while publishes are in flight is read from the store at once', async () => {
  const { store, reads } = countingStore();
  const shared = new SharedReads(store, 1_000);
  await shared.read({ after: 0, types: ['order.placed'], limit: 10 }, 'reader');
  const landed = shared.publishing(new Set(['order.placed']));
  await store.publish([newEvent('e-1')]); // someone else's: this bus never hears of it
  await publishThrough(shared, store, ['e-2']); // a publish landing after it reveals the gap
  reads.length = 0;
  const found = await shared.read({ after: 0, types: ['order.placed'], limit: 10 }, 'reader');
  assert.deepEqual(
    found.records.map((e) => e.id),
    ['e-1', 'e-2'],
  );
  assert.equal(reads.length, 1, 'the gap was read although a publish is still in flight');
  landed();
  await store.close();
});

test('a window keeps only what some reader has yet to read; a stopped reader holds nothing', async () => {
  const { store, reads } = countingStore();
  const shared = new SharedReads(store, 1_000);
  const query = (after: number, limit = 10) => ({ after, types: ['order.placed'], limit });
  await shared.read(query(0), 'billing');
  await shared.read(query(0), 'audit');
  await publishThrough(shared, store, ['e-1', 'e-2']);
  assert.equal((await shared.read(query(0), 'billing')).records.length, 2);
  await shared.read(query(2), 'billing');
  await publishThrough(shared, store, ['e-3']);
  reads.length = 0;
  // A full answer (limit 3) is served from the window alone.
  assert.equal((await shared.read(query(0, 3), 'audit')).records.length, 3, 'audit has not read them: still there');
  assert.equal(reads.length, 0);
  await shared.read(query(3), 'audit');
  await shared.read(query(3), 'billing');
  await publishThrough(shared, store, ['e-4']);
  reads.length = 0;
  await shared.read(query(0, 4), 'replayer'); // a full answer, were e-1..e-4 still kept
  assert.equal(reads.length, 1, 'both readers were past e-1..e-3: they were let go');
  shared.forget('billing');
  shared.forget('audit');
  shared.forget('replayer');
  reads.length = 0;
  await shared.read(query(3, 1), 'late');
  assert.equal(reads.length, 1, 'with no reader left the window went too');
  await store.close();
});
