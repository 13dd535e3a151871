import assert from 'node:assert/strict';
import { beforeEach, it } from 'node:test';
import {
  activity,
  defineActivity,
  executeType,
  hostActivities,
  RoutingSlipBuilder,
  startSlip,
} from '../../src/index.js';
import { onEachStore, slipEvents } from './helpers.js';

onEachStore('routing slips', (t) => {
  /** What the activities did, in order: `<activity> <trackingId> <arguments>`. */
  let ran: string[];
  beforeEach(() => {
    ran = [];
  });

  const record = (name: string) =>
    defineActivity(name, {
      execute(args, ctx) {
        ran.push(`${name} ${ctx.trackingId} ${JSON.stringify(args)}`);
        return ctx.completed({ variables: { [`${name}.by`]: ctx.host } });
      },
    });

  /** Service A hosts encode and watermark; service B (another process's bus) hosts deploy. */
  async function twoServices(extra: ReturnType<typeof record>[] = []) {
    await hostActivities(t.bed.bus, [record('encode'), record('watermark'), ...extra], { host: 'service-a' });
    await hostActivities(t.bed.other, [record('deploy')], { host: 'service-b' });
  }

  it('carries a slip through 3 activities on 2 hosts, logging who ran each, when and for how long', async () => {
    await twoServices();
    const slip = new RoutingSlipBuilder({ trackingId: 'video-1' })
      .addActivity('encode', { file: 'talk.mov' })
      .addActivity('watermark', { text: 'TUTTI' })
      .addActivity('deploy', { cdn: 'eu' })
      .addVariable('owner', 'ann');
    assert.equal(await startSlip(t.bed.bus, slip), 'video-1');

    const outcome = await t.watcher.outcome('video-1', { timeout: '5s' });
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(ran, [
      'encode video-1 {"owner":"ann","file":"talk.mov"}',
      'watermark video-1 {"owner":"ann","encode.by":"service-a","text":"TUTTI"}',
      'deploy video-1 {"owner":"ann","encode.by":"service-a","watermark.by":"service-a","cdn":"eu"}',
    ]);
    assert.deepEqual(outcome.variables, {
      owner: 'ann',
      'encode.by': 'service-a',
      'watermark.by': 'service-a',
      'deploy.by': 'service-b',
    });
    if (outcome.status !== 'completed') return;
    assert.deepEqual(
      outcome.activityLog.map((entry) => [entry.name, entry.host]),
      [
        ['encode', 'service-a'],
        ['watermark', 'service-a'],
        ['deploy', 'service-b'],
      ],
    );
    for (const entry of outcome.activityLog) {
      assert.ok(entry.durationMs >= 0 && Date.parse(entry.timestamp) > 0, `${entry.name} is timed`);
      assert.deepEqual(entry.outputs, { [`${entry.name}.by`]: entry.host });
    }

    // The path in the log: every event is the slip's (correlation), each caused by the one before.
    const events = await slipEvents(t.bed.store, 'video-1');
    assert.deepEqual(
      events.map((e) => e.type),
      [
        executeType('encode'),
        'tutti.slip.activity-completed',
        executeType('watermark'),
        'tutti.slip.activity-completed',
        executeType('deploy'),
        'tutti.slip.activity-completed',
        'tutti.slip.completed',
      ],
    );
    assert.ok(events.every((e) => e.correlationid === 'video-1'));
    const executes = events.filter((e) => e.type.startsWith('tutti.slip.execute.'));
    assert.equal(executes[0]?.causationid, undefined);
    for (let i = 1; i < executes.length; i++) assert.equal(executes[i]?.causationid, executes[i - 1]?.id);
    assert.equal(events.at(-1)?.causationid, executes.at(-1)?.id);
    assert.deepEqual(
      outcome.activityLog.map((entry) => entry.executionId),
      executes.map((e) => e.id),
    );
  });

  it('gives each message its own itinerary through the same hosts', async () => {
    await twoServices();
    const short = new RoutingSlipBuilder({ trackingId: 'short' }).addActivity('encode').addActivity('deploy');
    const long = new RoutingSlipBuilder({ trackingId: 'long' })
      .addActivity('watermark', { text: 'A' })
      .addActivity('encode')
      .addActivity('watermark', { text: 'B' })
      .addActivity('deploy');
    await Promise.all([startSlip(t.bed.bus, short), startSlip(t.bed.bus, long)]);
    await Promise.all([t.watcher.outcome('short'), t.watcher.outcome('long')]);
    const of = (id: string) => ran.filter((line) => line.split(' ')[1] === id).map((line) => line.split(' ')[0]);
    assert.deepEqual(of('short'), ['encode', 'deploy']);
    assert.deepEqual(of('long'), ['watermark', 'encode', 'watermark', 'deploy']);
    assert.ok(ran.includes('watermark long {"text":"A"}'));
    assert.ok(ran.some((line) => line.startsWith('watermark long') && line.endsWith('"text":"B"}')));
  });

  it('lets an activity revise the itinerary ahead of it: add, remove, reorder', async () => {
    const triage = defineActivity('triage', {
      execute(args: { preview?: boolean; dryRun?: boolean }, ctx) {
        ran.push(`triage ${ctx.trackingId}`);
        return ctx.revise(
          (rest) => [
            ...(args.preview ? [activity('watermark', { text: 'PREVIEW' })] : []),
            ...rest.filter((next) => !(args.dryRun && next.name === 'deploy')),
          ],
          { variables: { triaged: true } },
        );
      },
    });
    await twoServices([triage]);
    const start = (id: string, args: Record<string, boolean>) =>
      startSlip(
        t.bed.bus,
        new RoutingSlipBuilder({ trackingId: id })
          .addActivity('triage', args)
          .addActivity('encode')
          .addActivity('deploy'),
      );
    await Promise.all([start('preview', { preview: true }), start('dry', { dryRun: true })]);
    const [preview, dry] = await Promise.all([t.watcher.outcome('preview'), t.watcher.outcome('dry')]);
    assert.equal(preview.status, 'completed');
    assert.equal(dry.status, 'completed');
    const names = (o: typeof preview) => (o.status === 'completed' ? o.activityLog.map((e) => e.name) : []);
    assert.deepEqual(names(preview), ['triage', 'watermark', 'encode', 'deploy']);
    assert.deepEqual(names(dry), ['triage', 'encode']);
    assert.equal(preview.variables.triaged, true);

    const revised = t.watcher.events('dry').find((e) => e.kind === 'revised');
    assert.deepEqual(revised?.data.itinerary, [{ name: 'encode', arguments: {} }]);
    assert.deepEqual(revised?.data.discardedItinerary, [{ name: 'deploy', arguments: {} }]);
    const added = t.watcher.events('preview').find((e) => e.kind === 'revised');
    assert.deepEqual(
      ((added?.data.itinerary ?? []) as { name: string }[]).map((a) => a.name),
      ['watermark', 'encode', 'deploy'],
    );
    assert.deepEqual(added?.data.discardedItinerary, []);
  });

  it('ends a slip early when an activity terminates it: the rest is discarded, nothing compensated', async () => {
    const gate = defineActivity('gate', {
      execute: (_args, ctx) => ctx.terminate({ reason: 'already on the CDN', variables: { skipped: true } }),
    });
    await twoServices([gate]);
    await startSlip(
      t.bed.bus,
      new RoutingSlipBuilder({ trackingId: 't' }).addActivity('encode').addActivity('gate').addActivity('deploy'),
    );
    const outcome = await t.watcher.outcome('t');
    assert.equal(outcome.status, 'terminated');
    if (outcome.status !== 'terminated') return;
    assert.equal(outcome.activity, 'gate');
    assert.equal(outcome.reason, 'already on the CDN');
    assert.deepEqual(outcome.discardedItinerary, [{ name: 'deploy', arguments: {} }]);
    assert.deepEqual(
      outcome.activityLog.map((e) => e.name),
      ['encode', 'gate'],
    );
    assert.equal(outcome.variables.skipped, true);
    assert.deepEqual(
      ran.map((line) => line.split(' ')[0]),
      ['encode'],
    );
  });

  it('completes a slip with an empty itinerary at once', async () => {
    await startSlip(t.bed.bus, new RoutingSlipBuilder({ trackingId: 'empty' }).addVariable('x', 1));
    const outcome = await t.watcher.outcome('empty');
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(outcome.variables, { x: 1 });
  });
});
