/**
 * A Conductor definition with the control flow real pipelines need, run by Tutti: `inspect` a
 * take; encode two renditions in parallel (FORK_JOIN, one branch of two tasks); deploy to the
 * region's CDN (SWITCH; an unknown region TERMINATEs the run); poll the CDN's status service over
 * HTTP until the files are published (DO_WHILE of HTTP + WAIT); then notify every recipient in a
 * SUB_WORKFLOW that fans out one task per recipient (FORK_JOIN_DYNAMIC) and announces the
 * publication on the Tutti bus (EVENT).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadDefinition } from '../../src/conductor/index.js';
import { conductorWorkflow, defineTaskWorkers } from '../../src/conductor/run/index.js';

const load = (file: string) =>
  loadDefinition(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8'), { source: file });

export const pipeline = load('media_pipeline.json');
export const notifyRecipients = load('notify_recipients.json');

/** The media services, in-process, recording what they did. */
export function createMediaPipeline() {
  const log: string[] = [];
  const workers = defineTaskWorkers(
    {
      inspect: ({ fileLocation }) => {
        log.push(`inspect ${fileLocation}`);
        return { durationSeconds: 754 };
      },
      encode: ({ fileLocation, height }) => {
        log.push(`encode ${height}p`);
        return { location: `${String(fileLocation).replace(/\.\w+$/, '')}.${height}p.mp4` };
      },
      thumbnail: ({ video, atSecond }) => {
        log.push(`thumbnail of ${String(video).split('/').pop()} at ${atSecond}s`);
        return { url: `${String(video).replace(/\.mp4$/, '')}.jpg` };
      },
      deploy: ({ cdn, files }) => {
        log.push(`deploy ${(files as string[]).length} files to ${cdn}`);
        return { cdn: String(cdn) };
      },
      send_email: ({ input, __index }) => {
        log.push(`email ${input}`);
        return { to: String(input), messageId: `m-${__index}` };
      },
    },
    { taskDefs: { send_email: { name: 'send_email', concurrentExecLimit: 2, retryCount: 2, retryDelaySeconds: 1 } } },
  );
  const notify = conductorWorkflow(notifyRecipients, { workers });
  const workflow = conductorWorkflow(pipeline, {
    workers,
    subWorkflow: (name) => (name === notifyRecipients.name ? notify : undefined),
  });
  return { workers, log, workflows: [workflow, notify] };
}

/**
 * The CDN's status service: `GET /status?location=…` answers `{ published }`, true from the
 * `publishedAfter`-th check on.
 */
export async function startCdnStatus(publishedAfter: number) {
  let checks = 0;
  const server = createServer((_request, response) => {
    checks++;
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ published: checks >= publishedAfter, checks }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`,
    checks: () => checks,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
