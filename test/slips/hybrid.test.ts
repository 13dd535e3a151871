import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createTutti,
  defineActivity,
  defineService,
  defineWorkflow,
  hostActivities,
  RoutingSlipBuilder,
  SlipCompleted,
  startSlip,
  type Tutti,
} from '../../src/index.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

test('a workflow starts a slip in a step and waits, durably, for its completed event', async () => {
  let tutti: Tutti | undefined;
  const media = defineService('media', {
    // The tracking id derives from the run: a retried step starts the same slip, once.
    publish: async (input: { runId: string; file: string }) =>
      startSlip(
        tutti as Tutti,
        new RoutingSlipBuilder({ trackingId: `slip-${input.runId}` }).addActivity('encode', { file: input.file }),
      ),
  });
  const release = defineWorkflow('release', async (ctx, file: string) => {
    const trackingId = `slip-${ctx.runId}`;
    const done = ctx.waitForEvent(SlipCompleted, { key: trackingId, timeout: '5s' });
    await ctx.step(media.publish, { runId: ctx.runId, file });
    return (await done).data?.variables;
  });
  tutti = await createTutti({ store: createMemoryStore(), services: [media], workflows: [release] });
  try {
    const encode = defineActivity('encode', {
      execute: (args: { file: string }, ctx) => ctx.completed({ variables: { encoded: `${args.file}.mp4` } }),
    });
    await hostActivities(tutti, [encode]);
    const run = await tutti.start(release, 'talk', { id: 'release-1' });
    assert.deepEqual(await run.result(), { encoded: 'talk.mp4' });
  } finally {
    await tutti.close();
  }
});
