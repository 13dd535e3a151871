// Run by slip-crash.test.ts as a child process that gets SIGKILLed.
//   slip-crash-child.ts <db> <runs.log> <count>
// Hosts three activities (encode, transcode: compensable; deploy: faults for every 5th slip) and
// starts slips slip-0…slip-<count-1> (idempotently: a restarted child starts them all again),
// then waits until every slip has an outcome in the log. Each activity call appends
// "<execute|compensate> <activity> <trackingId>" to runs.log synchronously before it returns: a
// call whose line is there ran, whether or not its hop committed.
import { appendFileSync } from 'node:fs';
import { createEmbeddedBus } from '../../src/bus/index.js';
import {
  defineActivity,
  hostActivities,
  NonRetryableError,
  RoutingSlipBuilder,
  SlipCompleted,
  SlipFaulted,
  startSlip,
} from '../../src/index.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

const [db, runs, count] = process.argv.slice(2) as [string, string, string];
const total = Number(count);
const store = createSqliteStore({ path: db });
const bus = createEmbeddedBus(store, { pollInterval: 20 });

const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
const compensable = (name: string) =>
  defineActivity(name, {
    async execute(_args, ctx) {
      await pause();
      appendFileSync(runs, `execute ${name} ${ctx.trackingId}\n`);
      return ctx.completed({ compensation: { file: `${name}/${ctx.trackingId}` } });
    },
    async compensate(_data, ctx) {
      await pause();
      appendFileSync(runs, `compensate ${name} ${ctx.trackingId}\n`);
    },
  });
const deploy = defineActivity('deploy', {
  async execute(args: { fail?: boolean }, ctx) {
    await pause();
    appendFileSync(runs, `execute deploy ${ctx.trackingId}\n`);
    if (args.fail) throw new NonRetryableError('the CDN refused the upload');
  },
});

// Two services in one process: the kill takes both down mid-way.
await hostActivities(bus, [compensable('encode'), compensable('transcode')], { host: 'media' });
await hostActivities(bus, [deploy], { host: 'cdn' });

for (let i = 0; i < total; i++) {
  const slip = new RoutingSlipBuilder({ trackingId: `slip-${i}` })
    .addActivity('encode')
    .addActivity('transcode')
    .addActivity('deploy', { fail: i % 5 === 0 });
  await startSlip(bus, slip);
}

const outcomes = new Set<string>();
let after = 0;
while (outcomes.size < total) {
  const page = await store.readEvents({ after, types: [SlipCompleted.type, SlipFaulted.type], limit: 1000 });
  for (const event of page) outcomes.add(event.subject as string);
  after = page.at(-1)?.seq ?? after;
  if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
}
await bus.close();
await store.close();
console.log('done');
