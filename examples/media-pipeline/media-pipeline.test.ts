import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { createTutti, RunFailedError } from '../../src/index.js';
import { tempDbPath } from '../../test/helpers/temp-db.js';
import { createMediaPipeline, startCdnStatus } from './media-pipeline.js';

async function withPipeline(
  use: (
    tutti: Awaited<ReturnType<typeof createTutti>>,
    media: ReturnType<typeof createMediaPipeline>,
    cdnUrl: string,
  ) => Promise<void>,
) {
  const db = tempDbPath();
  const cdnStatus = await startCdnStatus(2);
  const media = createMediaPipeline();
  const tutti = await createTutti({
    store: `sqlite:${db.path}`,
    services: media.workers.services,
    workflows: media.workflows,
  });
  try {
    await use(tutti, media, cdnStatus.url);
  } finally {
    await tutti.close();
    await media.workers.close();
    await cdnStatus.close();
    db.remove();
  }
}

const input = (cdnStatusUrl: string, region: string) => ({
  fileLocation: 's3://studio/raw/take-3.mov',
  region,
  recipients: ['ana@example.com', 'raj@example.com'],
  cdnStatusUrl,
  checkEvery: '1s',
});

test('fork/join, switch, a do-while polling over HTTP and a sub-workflow with a dynamic fork run to the output', async () => {
  await withPipeline(async (tutti, media, cdnUrl) => {
    const run = await tutti.start('media_pipeline', input(cdnUrl, 'us'));
    assert.deepEqual(await run.result(), {
      thumbnail: 's3://studio/raw/take-3.1080p.jpg',
      region: 'us',
      published: true,
      notification: `${run.id}/notify`,
    });
    // The thumbnail comes after the 1080p rendition it is cut from; the other branch ran alongside.
    assert.ok(media.log.indexOf('thumbnail of take-3.1080p.mp4 at 3s') > media.log.indexOf('encode 1080p'));
    assert.deepEqual(media.log.filter((line) => line.startsWith('deploy') || line.startsWith('email')).sort(), [
      'deploy 2 files to cdn-us.example.com',
      'email ana@example.com',
      'email raj@example.com',
    ]);
    const notify = await tutti.getRun(`${run.id}/notify`);
    assert.equal(notify?.status, 'completed');
    const sent = (notify?.output as { sent: Record<string, unknown> } | undefined)?.sent ?? {};
    assert.deepEqual(Object.keys(sent).sort(), ['_send_email_0', '_send_email_1']);
    const published = await tutti.store.readEvents({ types: ['media.published'] });
    assert.equal(published.length, 1);
    assert.equal(JSON.parse(published[0]?.data as string).thumbnail, 's3://studio/raw/take-3.1080p.jpg');
    // Two checks of the CDN: the loop ran twice, with a durable WAIT between.
    const journal = (await tutti.store.readRunState(run.id))?.journal ?? [];
    assert.equal(journal.filter((entry) => entry.name === 'conductor-system.http').length, 2);
    assert.equal(journal.filter((entry) => entry.kind === 'sleep').length, 2);
  });
});

test("a region no CDN serves takes the switch's default case: TERMINATE fails the run with its reason", async () => {
  await withPipeline(async (tutti, media, cdnUrl) => {
    const run = await tutti.start('media_pipeline', input(cdnUrl, 'mars'));
    const error = await run.result().then(
      () => assert.fail('the run should fail'),
      (e: RunFailedError) => e,
    );
    assert.ok(error instanceof RunFailedError);
    assert.match(
      String((error.cause as Error).message),
      /terminated by task 'unsupported_region': no CDN serves region 'mars'/,
    );
    assert.ok(!media.log.some((line) => line.startsWith('deploy')));
  });
});

test('main.ts prints each task and the output', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'examples/media-pipeline/main.ts'], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /task: deploy 2 files to cdn-eu\.example\.com/);
  assert.match(result.stdout, /the CDN was checked 3 times/);
  assert.match(result.stdout, /"published": true/);
});
