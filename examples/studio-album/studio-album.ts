/**
 * Seed 001, the orchestrated studio album: the Maestro holds the score and cues each section
 * in turn — percussion bars 1-4, then strings 5-12, then brass 13-16. No section plays
 * without its cue.
 */
import { defineService, defineWorkflow } from '../../src/index.js';

export interface Bars {
  from: number;
  to: number;
}

export interface Take {
  section: string;
  part: string;
  bars: Bars;
}

export function createSections(played: Take[] = []) {
  const take = (section: string, part: string) => async (bars: Bars) => {
    const t: Take = { section, part, bars };
    played.push(t);
    return t;
  };
  const percussion = defineService('percussion', { startTimpaniRoll: take('percussion', 'timpani roll') });
  const strings = defineService('strings', { playViolinAdagio: take('strings', 'violin adagio') });
  const brass = defineService('brass', { playFanfare: take('brass', 'fanfare') });
  return { percussion, strings, brass, played };
}

export type Sections = ReturnType<typeof createSections>;

export function defineMaestro({ percussion, strings, brass }: Sections) {
  return defineWorkflow('maestro', async (ctx, score: { title: string }) => {
    const takes = [
      await ctx.step(percussion.startTimpaniRoll, { from: 1, to: 4 }),
      await ctx.step(strings.playViolinAdagio, { from: 5, to: 12 }),
      await ctx.step(brass.playFanfare, { from: 13, to: 16 }),
    ];
    return { title: score.title, takes };
  });
}
