/**
 * Ids for the events Tutti creates: UUID v7 (RFC 9562), which begin with the time in
 * milliseconds. The log keeps a unique index of ids (publishing an id again is a no-op), and ids
 * that grow with time are appended at the end of that index, where random ones (v4) land
 * anywhere in it: measured on a 100,000-event log, 7 µs per insert against 23 µs
 * (docs/benchmarks.md, W2).
 *
 * Written as ASCII into one buffer and read out as one string, with random bytes drawn from a
 * pool: ~0.1 µs and one string per id. Slicing `crypto.randomUUID()` took ~0.3 µs and left
 * ~0.5 KB of intermediate strings per id for the garbage collector (the `uuid` package's v7:
 * ~3.5 µs).
 */
import { randomFillSync } from 'node:crypto';

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** The id being written: `tttttttt-tttt-7rrr-vrrr-rrrrrrrrrrrr`. */
const text = Buffer.from('00000000-0000-7000-8000-000000000000', 'latin1');
/** Random bytes, 10 per id, refilled from the system's generator when used up. */
const pool = Buffer.alloc(10 * 512);
let poolAt = pool.length;
let writtenMs = Number.NaN;

/** A new event id: UUID v7, 48 bits of Unix milliseconds, then 74 random bits. */
export function newEventId(now: number = Date.now()): string {
  if (now !== writtenMs) writeTime(now);
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += 10;
  // rand_a: 12 bits after the version digit.
  text[15] = hexDigit(pool[at] as number);
  writeByte(16, pool[at + 1] as number);
  // The variant (binary 10) and the first 2 of rand_b's 62 bits, then 60 more.
  text[19] = HEX[0x8 | ((pool[at + 2] as number) & 0x3)] as number;
  writeByte(20, pool[at + 3] as number);
  text[22] = hexDigit((pool[at + 2] as number) >> 4);
  for (let i = 0; i < 6; i++) writeByte(24 + 2 * i, pool[at + 4 + i] as number);
  return text.toString('latin1', 0, 36);
}

function writeTime(ms: number): void {
  writtenMs = ms;
  let rest = ms;
  for (let i = 12; i >= 0; i--) {
    if (i === 8) continue; // the dash
    text[i] = HEX[rest % 16] as number;
    rest = Math.floor(rest / 16);
  }
}

function writeByte(position: number, byte: number): void {
  text[position] = HEX[byte >> 4] as number;
  text[position + 1] = HEX[byte & 0xf] as number;
}

function hexDigit(value: number): number {
  return HEX[value & 0xf] as number;
}
