/**
 * Seed 004's Conductor workflow, `encode_and_deploy.json` exactly as the article shows it, run by
 * Tutti: the two SIMPLE tasks are in-process workers; the definition's expressions carry the
 * encoded file's location from `encode` to `deploy` and the CDN URL to the workflow's output.
 */
import { readFileSync } from 'node:fs';
import { loadDefinition } from '../../src/conductor/index.js';
import { conductorWorkflow, defineTaskWorkers } from '../../src/conductor/run/index.js';

export const definition = loadDefinition(readFileSync(new URL('./encode_and_deploy.json', import.meta.url), 'utf8'), {
  source: 'encode_and_deploy.json',
});

/** The encoder and the CDN, recording what they did. */
export function createMediaWorkers() {
  const log: string[] = [];
  const workers = defineTaskWorkers({
    encode: ({ fileLocation }) => {
      log.push(`encode ${fileLocation}`);
      return { encodeLocation: `${String(fileLocation).replace(/\.\w+$/, '')}.h264.mp4` };
    },
    deploy: ({ fileLocation }) => {
      log.push(`deploy ${fileLocation}`);
      return { location: `https://cdn.example.com/${String(fileLocation).split('/').pop()}` };
    },
  });
  return { workers, log, workflow: conductorWorkflow(definition, { workers }) };
}
