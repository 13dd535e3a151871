/**
 * `npx tsx examples/jam-session/main.ts`: three songs; the saxophonist steps out for the first
 * two, the keyboardist carries on, then the saxophonist comes back and a redrive replays what it
 * missed. Runs on a SQLite file under .tutti/.
 */
import { mkdirSync } from 'node:fs';
import { createTutti } from '../../src/index.js';
import { createBand, GrooveStarted } from './jam-session.js';

mkdirSync('.tutti', { recursive: true });
const band = createBand();
const tutti = await createTutti({
  store: 'sqlite:.tutti/jam.db',
  events: [GrooveStarted],
  subscribers: band.subscribers,
});
const waitFor = async (done: () => boolean | Promise<boolean>) => {
  while (!(await done())) await new Promise((resolve) => setTimeout(resolve, 10));
};

band.saxophonist.away = true;
const night = Date.now().toString(36);
const songs = [
  { song: `So What (${night})`, key: 'D dorian', tempo: 136 },
  { song: `Blue in Green (${night})`, key: 'Bb', tempo: 60 },
];
for (const groove of songs) {
  console.log(`bassist: groove '${groove.song}' in ${groove.key} at ${groove.tempo} bpm`);
  await tutti.publish(GrooveStarted, groove, { key: groove.song });
}
await waitFor(async () => (await tutti.bus.deadLetters({ subscription: 'saxophonist.on-rhythm' })).length >= 2);
for (const part of band.parts) console.log(`  ${part.musician}: ${part.played} (${part.song})`);
for (const dead of await tutti.bus.deadLetters({ subscription: 'saxophonist.on-rhythm' })) {
  console.log(`  dead letter for the saxophonist: seq ${dead.seq} after ${dead.attempts} attempts`);
}

console.log('the saxophonist is back: redrive');
band.saxophonist.away = false;
const played = band.parts.length;
await tutti.bus.redrive({ subscription: 'saxophonist.on-rhythm' });
await waitFor(() => band.parts.length >= played + 2);
for (const part of band.parts.slice(played)) console.log(`  ${part.musician}: ${part.played} (${part.song})`);
await tutti.close();
