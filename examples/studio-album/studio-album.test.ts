import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTutti } from '../../src/index.js';
import { tempDbPath } from '../../test/helpers/temp-db.js';
import { createSections, defineMaestro } from './studio-album.js';

test('the Maestro cues percussion 1-4, then strings 5-12, then brass 13-16', async () => {
  const db = tempDbPath();
  const sections = createSections();
  const maestro = defineMaestro(sections);
  const tutti = await createTutti({
    store: `sqlite:${db.path}`,
    services: [sections.percussion, sections.strings, sections.brass],
    workflows: [maestro],
  });
  try {
    const album = await (await tutti.start(maestro, { title: 'Opus 1' })).result();
    const expected = [
      { section: 'percussion', part: 'timpani roll', bars: { from: 1, to: 4 } },
      { section: 'strings', part: 'violin adagio', bars: { from: 5, to: 12 } },
      { section: 'brass', part: 'fanfare', bars: { from: 13, to: 16 } },
    ];
    assert.deepEqual(album, { title: 'Opus 1', takes: expected });
    assert.deepEqual(sections.played, expected, 'each section played once, in the order of the score');
  } finally {
    await tutti.close();
    db.remove();
  }
});
