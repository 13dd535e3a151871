/**
 * Seed 001's live jam session, choreographed: nobody conducts. The bassist lays down a groove
 * (publishes GrooveStarted); the drummer hears it and sets the rhythm (RhythmEstablished); the
 * keyboardist and the saxophonist both react to the rhythm, each on its own subscription. When the
 * saxophonist fumbles (its handler throws), its events wait in retries and then dead letters while
 * the song goes on; once it is back, a redrive plays what it missed.
 */
import Type from 'typebox';
import { defineEvent, defineSubscriber } from '../../src/index.js';

export const GrooveStarted = defineEvent(
  'jam.groove-started',
  Type.Object({ song: Type.String(), key: Type.String(), tempo: Type.Integer({ minimum: 40, maximum: 240 }) }),
);
export const RhythmEstablished = defineEvent(
  'jam.rhythm-established',
  Type.Object({ song: Type.String(), key: Type.String(), tempo: Type.Integer(), pattern: Type.String() }),
);

export interface Part {
  musician: 'drummer' | 'keyboardist' | 'saxophonist';
  song: string;
  played: string;
  /** The event that made the musician play, and the conversation it belongs to. */
  causedBy: string;
  correlation: string;
}

/** The band: its subscribers, what each has played, and a switch for the saxophonist's mood. */
export function createBand() {
  const parts: Part[] = [];
  const saxophonist = { away: false };
  const heard = (
    musician: Part['musician'],
    song: string,
    played: string,
    event: { id: string; correlationid?: string },
  ) => parts.push({ musician, song, played, causedBy: event.id, correlation: event.correlationid ?? event.id });

  const drummer = defineSubscriber('drummer.on-groove', GrooveStarted, (groove, ctx) => {
    const pattern = groove.tempo > 120 ? 'double-time swing' : 'brushes, laid back';
    heard('drummer', groove.song, pattern, ctx.event);
    ctx.publish(RhythmEstablished, { ...groove, pattern }, { key: groove.song });
  });
  const keyboardist = defineSubscriber('keyboardist.on-rhythm', RhythmEstablished, (rhythm, ctx) => {
    heard('keyboardist', rhythm.song, `comping in ${rhythm.key}`, ctx.event);
  });
  const retry = { maxAttempts: 3, initialInterval: 5 } as const;
  const sax = defineSubscriber(
    'saxophonist.on-rhythm',
    RhythmEstablished,
    (rhythm, ctx) => {
      if (saxophonist.away) throw new Error(`the saxophonist missed the cue for '${rhythm.song}'`);
      heard('saxophonist', rhythm.song, `solo over ${rhythm.pattern} in ${rhythm.key}`, ctx.event);
    },
    { retry },
  );
  return { parts, saxophonist, subscribers: [drummer, keyboardist, sax] };
}
