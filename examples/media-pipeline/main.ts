/**
 * `npx tsx examples/media-pipeline/main.ts`: runs the media pipeline (fork/join, switch, do-while
 * with HTTP and WAIT, a sub-workflow with a dynamic fork and an event) on the embedded SQLite
 * store, against a local stand-in for the CDN's status service, and prints what each task did.
 */
import { mkdirSync } from 'node:fs';
import { createTutti } from '../../src/index.js';
import { createMediaPipeline, startCdnStatus } from './media-pipeline.js';

mkdirSync('.tutti', { recursive: true });
const cdnStatus = await startCdnStatus(3);
const media = createMediaPipeline();
const tutti = await createTutti({
  store: 'sqlite:.tutti/media-pipeline.db',
  services: media.workers.services,
  workflows: media.workflows,
});
const run = await tutti.start('media_pipeline', {
  fileLocation: 's3://studio/raw/session-12.mov',
  region: 'eu',
  recipients: ['ana@example.com', 'raj@example.com', 'li@example.com'],
  cdnStatusUrl: cdnStatus.url,
  checkEvery: '1 second',
});
const output = await run.result();
for (const line of media.log) console.log(`task: ${line}`);
console.log(`the CDN was checked ${cdnStatus.checks()} times`);
console.log('output:', JSON.stringify(output, null, 2));
await tutti.close();
await media.workers.close();
await cdnStatus.close();
