/**
 * `npx tsx examples/media-slip/main.ts`: four videos through seed 004's pipeline as routing slips,
 * each with its own itinerary; the 4K one is revised on the fly, the keynote fails at deploy and
 * its encoded files are deleted again. Prints each slip's outcome and trace: who ran each activity,
 * when and for how long, and the chain of events it left in the log. Runs on .tutti/media.db.
 */
import { mkdirSync } from 'node:fs';
import { createTutti, type SlipOutcome, startSlip, watchSlips } from '../../src/index.js';
import { createMediaPipeline, videoSlips } from './media-slip.js';

mkdirSync('.tutti', { recursive: true });
const pipeline = createMediaPipeline();
const tutti = await createTutti({ store: 'sqlite:.tutti/media.db' });
await pipeline.host(tutti);
const watcher = await watchSlips(tutti, { name: 'media.watcher' });

const slips = videoSlips(pipeline.activities, `-${Date.now().toString(36)}`);
const ids = await Promise.all(slips.map((slip) => startSlip(tutti, slip)));
const outcomes = await Promise.all(ids.map((id) => watcher.outcome(id, { timeout: '10s' })));

const events = await tutti.store.readEvents({ limit: 100_000 });
for (const outcome of outcomes) {
  console.log(`\nslip ${outcome.trackingId}: ${summary(outcome)}`);
  for (const step of outcome.status === 'terminated' || outcome.status === 'compensation-failed'
    ? []
    : outcome.activityLog) {
    console.log(
      `  ran ${step.name.padEnd(16)} on ${step.host.padEnd(14)} at ${step.timestamp} (${step.durationMs} ms)`,
    );
  }
  for (const revised of watcher.events(outcome.trackingId).filter((e) => e.kind === 'revised')) {
    const itinerary = (revised.data.itinerary as { name: string; arguments: object }[]).map(
      (a) => `${a.name} ${JSON.stringify(a.arguments)}`,
    );
    console.log(`  revised by ${revised.data.activity}: then ${itinerary.join(', then ')}`);
  }
  console.log('  events (type ← caused by):');
  for (const e of events.filter((event) => event.subject === outcome.trackingId)) {
    const cause = JSON.parse(e.extensions ?? '{}').causationid ?? 'startSlip';
    console.log(`    ${String(e.seq).padStart(4)} ${e.type.padEnd(38)} ← ${cause}`);
  }
}
console.log('\nstorage:', [...pipeline.storage.keys()].sort());
console.log('CDN:', [...pipeline.cdn.keys()].sort());
await tutti.close();

function summary(outcome: SlipOutcome): string {
  switch (outcome.status) {
    case 'completed':
      return `completed in ${outcome.durationMs} ms, deployed at ${outcome.variables.location}`;
    case 'faulted': {
      const errors = outcome.errors.map((e) => `${e.name}: ${e.error.message}`).join('; ');
      return `faulted in ${outcome.durationMs} ms (${errors}), compensated`;
    }
    default:
      return outcome.status;
  }
}
