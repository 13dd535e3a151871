import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTutti } from '../../src/index.js';
import { waitFor } from '../../test/conformance/bus.case.js';
import { tempDbPath } from '../../test/helpers/temp-db.js';
import { createBand, GrooveStarted } from './jam-session.js';

test('a fumbling saxophonist does not stop the song; a redrive plays what it missed', async () => {
  const db = tempDbPath();
  const band = createBand();
  const tutti = await createTutti({
    store: `sqlite:${db.path}`,
    events: [GrooveStarted],
    subscribers: band.subscribers,
  });
  try {
    band.saxophonist.away = true;
    const grooves = [
      { song: 'So What', key: 'D dorian', tempo: 136 },
      { song: 'Blue in Green', key: 'Bb', tempo: 60 },
    ];
    const published = [];
    for (const groove of grooves) published.push(await tutti.publish(GrooveStarted, groove, { key: groove.song }));
    await waitFor(async () => (await tutti.bus.deadLetters({ subscription: 'saxophonist.on-rhythm' })).length === 2);
    await waitFor(() => band.parts.filter((p) => p.musician === 'keyboardist').length === 2);
    assert.deepEqual(
      band.parts
        .filter((p) => p.musician !== 'saxophonist')
        .map((p) => `${p.musician}: ${p.played}`)
        .sort(),
      [
        'drummer: brushes, laid back',
        'drummer: double-time swing',
        'keyboardist: comping in Bb',
        'keyboardist: comping in D dorian',
      ],
      'the song went on without the saxophonist',
    );
    const dead = await tutti.bus.deadLetters({ subscription: 'saxophonist.on-rhythm' });
    assert.deepEqual(
      dead.map((d) => d.attempts),
      [3, 3],
    );
    assert.match(dead[0]?.error ?? '', /missed the cue/);

    // Causality: the keyboardist's rhythm was caused by the drummer's event, in the groove's conversation.
    const keyboard = band.parts.find((p) => p.musician === 'keyboardist' && p.song === 'So What');
    const drums = band.parts.find((p) => p.musician === 'drummer' && p.song === 'So What');
    assert.equal(drums?.causedBy, published[0]?.id);
    assert.equal(keyboard?.correlation, published[0]?.id);
    assert.equal(keyboard?.causedBy, `${published[0]?.id}/drummer.on-groove/0`);

    band.saxophonist.away = false;
    assert.equal(await tutti.bus.redrive({ subscription: 'saxophonist.on-rhythm' }), 2);
    await waitFor(() => band.parts.filter((p) => p.musician === 'saxophonist').length === 2);
    assert.deepEqual(await tutti.bus.deadLetters(), []);
  } finally {
    await tutti.close();
    db.remove();
  }
});
