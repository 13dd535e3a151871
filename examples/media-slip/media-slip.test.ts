import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTutti, startSlip, watchSlips } from '../../src/index.js';
import { tempDbPath } from '../../test/helpers/temp-db.js';
import { createMediaPipeline, videoSlips } from './media-slip.js';

test('each video takes its own itinerary; the 4K one is revised on the fly; a failed deploy deletes what was made', async () => {
  const db = tempDbPath();
  const pipeline = createMediaPipeline();
  const tutti = await createTutti({ store: `sqlite:${db.path}` });
  try {
    await pipeline.host(tutti);
    const watcher = await watchSlips(tutti);
    const ids = await Promise.all(videoSlips(pipeline.activities).map((slip) => startSlip(tutti, slip)));
    assert.deepEqual(ids, ['talk', 'trailer', 'concert', 'keynote']);
    const [talk, trailer, concert, keynote] = await Promise.all(ids.map((id) => watcher.outcome(id)));

    const ran = (o: typeof talk) =>
      o?.status === 'completed' ? o.activityLog.map((e) => `${e.name}@${e.host}`) : o?.status;
    assert.deepEqual(ran(talk), ['media.encode@encoder', 'media.deploy@cdn-publisher']);
    assert.deepEqual(ran(trailer), [
      'media.encode@encoder',
      'media.watermark@watermarker',
      'media.deploy@cdn-publisher',
    ]);
    assert.deepEqual(ran(concert), [
      'media.encode@encoder',
      'media.transcode@transcoder',
      'media.transcode@transcoder',
      'media.deploy@cdn-publisher',
    ]);
    assert.equal(concert?.variables.location, 'https://eu.cdn.example/videos/concert-4k');
    const revised = watcher.events('concert').filter((e) => e.kind === 'revised');
    assert.equal(revised.length, 1);
    assert.deepEqual(revised[0]?.data.itinerary, [
      { name: 'media.transcode', arguments: { resolution: '1080p' } },
      { name: 'media.transcode', arguments: { resolution: '720p' } },
      { name: 'media.deploy', arguments: { region: 'eu' } },
    ]);

    // The keynote failed at deploy: its watermarked, then its encoded file were deleted, newest first.
    assert.equal(keynote?.status, 'faulted');
    if (keynote?.status !== 'faulted') return;
    assert.equal(keynote.errors[0]?.error.message, "CDN has no region 'moon'");
    assert.equal(keynote.variables.requestedBy, 'events-team');
    assert.deepEqual(
      watcher
        .events('keynote')
        .filter((e) => e.kind === 'activity-compensated')
        .map((e) => e.data.activity),
      ['media.watermark', 'media.encode'],
    );
    assert.deepEqual(
      [...pipeline.storage.keys()].filter((file) => file.includes('keynote')),
      [],
    );
    assert.deepEqual([...pipeline.cdn.keys()].sort(), [
      'https://eu.cdn.example/videos/concert-4k/concert-4k.h264.1080p.mp4',
      'https://eu.cdn.example/videos/concert-4k/concert-4k.h264.720p.mp4',
      'https://eu.cdn.example/videos/concert-4k/concert-4k.h264.mp4',
      'https://eu.cdn.example/videos/talk/talk.h264.mp4',
      'https://us.cdn.example/videos/trailer/trailer.av1.mp4',
    ]);

    // The keynote's trace: every event is the slip's, and each names the one that caused it.
    const trace = (await tutti.store.readEvents({ limit: 1000 }))
      .filter((e) => e.subject === 'keynote')
      .map((e) => ({ id: e.id, type: e.type, ...JSON.parse(e.extensions ?? '{}') }));
    assert.ok(trace.every((e) => e.correlationid === 'keynote'));
    assert.deepEqual(
      trace.map((e) => e.type.replace('tutti.slip.', '')),
      [
        'execute.media.encode',
        'activity-completed',
        'execute.media.watermark',
        'activity-completed',
        'execute.media.deploy',
        'activity-faulted',
        'compensate.media.watermark',
        'activity-compensated',
        'compensate.media.encode',
        'activity-compensated',
        'faulted',
      ],
    );
    const hops = trace.filter((e) => /^tutti\.slip\.(execute|compensate)\./.test(e.type));
    for (let i = 1; i < hops.length; i++) assert.equal(hops[i]?.causationid, hops[i - 1]?.id);
  } finally {
    await tutti.close();
    db.remove();
  }
});
