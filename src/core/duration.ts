import { ConfigError } from './errors.js';

/** A duration: milliseconds as a number, or a string such as `'500ms'`, `'10s'`, `'5m'`, `'2h'`, `'1d'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/**
 * Converts a Duration to milliseconds; `field` names the option in the error message.
 * @example toMs('10s', 'timeout') // 10000
 */
export function toMs(duration: Duration, field: string): number {
  if (typeof duration === 'number') {
    if (Number.isFinite(duration) && duration >= 0) return duration;
  } else {
    const match = PATTERN.exec(String(duration).trim());
    if (match) return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  throw new ConfigError(
    `${field}: ${JSON.stringify(duration)} is not a duration; use milliseconds (>= 0) or a string like '500ms', '10s', '5m', '2h', '1d'`,
  );
}
