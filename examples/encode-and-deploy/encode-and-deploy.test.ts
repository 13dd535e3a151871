import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { createTutti } from '../../src/index.js';
import { tempDbPath } from '../../test/helpers/temp-db.js';
import { createMediaWorkers } from './encode-and-deploy.js';

test('seed 004: encode, then deploy the encoded file; the output is the CDN URL', async () => {
  const db = tempDbPath();
  const media = createMediaWorkers();
  const tutti = await createTutti({
    store: `sqlite:${db.path}`,
    services: media.workers.services,
    workflows: [media.workflow],
  });
  try {
    const run = await tutti.start('encode_and_deploy', { fileLocation: 's3://studio/raw/take-3.mov' });
    assert.deepEqual(await run.result(), { cdn_url: 'https://cdn.example.com/take-3.h264.mp4' });
    assert.deepEqual(media.log, ['encode s3://studio/raw/take-3.mov', 'deploy s3://studio/raw/take-3.h264.mp4']);
  } finally {
    await tutti.close();
    db.remove();
  }
});

test('main.ts prints each task and the output', () => {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'examples/encode-and-deploy/main.ts'], {
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /task: encode s3:\/\/studio\/raw\/session-12\.mov/);
  assert.match(result.stdout, /output: \{"cdn_url":"https:\/\/cdn\.example\.com\/session-12\.h264\.mp4"\}/);
});
