/** The studio album: `npx tsx examples/studio-album/main.ts`. */
import { mkdirSync } from 'node:fs';
import { createTutti } from '../../src/index.js';
import { createSections, defineMaestro } from './studio-album.js';

const sections = createSections();
const maestro = defineMaestro(sections);
mkdirSync('.tutti', { recursive: true });
const tutti = await createTutti({
  store: 'sqlite:.tutti/studio.db',
  services: [sections.percussion, sections.strings, sections.brass],
  workflows: [maestro],
});
tutti.events.on('step:completed', (e) => {
  const take = e.output as { part: string; bars: { from: number; to: number } };
  console.log(`🎼 ${e.step}: ${take.part}, bars ${take.bars.from}-${take.bars.to}`);
});
const run = await tutti.start(maestro, { title: 'Symphony for Microservices' });
const album = await run.result();
console.log(`recorded '${album.title}' in ${album.takes.length} takes`);
await tutti.close();
