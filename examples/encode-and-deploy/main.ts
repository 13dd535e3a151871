/**
 * `npx tsx examples/encode-and-deploy/main.ts`: runs seed 004's Conductor definition unchanged on
 * the embedded SQLite store and prints what each task did and the workflow's output.
 */
import { mkdirSync } from 'node:fs';
import { createTutti } from '../../src/index.js';
import { createMediaWorkers } from './encode-and-deploy.js';

mkdirSync('.tutti', { recursive: true });
const media = createMediaWorkers();
const tutti = await createTutti({
  store: 'sqlite:.tutti/media.db',
  services: media.workers.services,
  workflows: [media.workflow],
});
const run = await tutti.start('encode_and_deploy', { fileLocation: 's3://studio/raw/session-12.mov' });
const output = await run.result();
for (const line of media.log) console.log(`task: ${line}`);
console.log('output:', JSON.stringify(output));
await tutti.close();
