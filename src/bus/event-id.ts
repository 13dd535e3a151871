/**
 * Ids for the events Tutti creates: UUID v7 (RFC 9562), which begin with the time in
 * milliseconds. The log keeps a unique index of ids (publishing an id again is a no-op), and ids
 * that grow with time are appended at the end of that index, where random ones (v4) land
 * anywhere in it: measured on a 100,000-event log, 7 µs per insert against 23 µs
 * (docs/benchmarks.md, W2).
 *
 * Built on `crypto.randomUUID()` (native, ~0.1 µs) rather than the `uuid` package, whose v7
 * took ~3.5 µs per id here: as much as the rest of a publish.
 */
import { randomUUID } from 'node:crypto';

let prefixMs = Number.NaN;
let prefix = '';

/** A new event id: UUID v7, 48 bits of Unix milliseconds, then random bits. */
export function newEventId(now: number = Date.now()): string {
  if (now !== prefixMs) {
    const time = now.toString(16).padStart(12, '0');
    prefix = `${time.slice(0, 8)}-${time.slice(8, 12)}-7`;
    prefixMs = now;
  }
  // A v4 UUID's random bits after its version digit (position 14), variant bits included.
  return prefix + randomUUID().slice(15);
}
