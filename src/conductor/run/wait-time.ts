/**
 * The times of Conductor's WAIT task: `inputParameters.duration` and `inputParameters.until`.
 *
 * The grammars are conductor-oss `DateTimeUtils`: `parseDuration` is one regular expression,
 * days, hours, minutes and seconds, each optional, in that order, case-insensitive
 * ("10s", "30 seconds", "1d 2h 30m", "2 days 3 hours 4 minutes 5 seconds"); `parseDate` is
 * commons-lang `DateUtils.parseDate` with the patterns "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm z"
 * and "yyyy-MM-dd". The semantics of the task are its `WaitTaskMapper`: blank values count as
 * absent, both at once is an error, neither means "wait until signalled", an `until` in the past
 * ends the wait at once.
 *
 * Differences, chosen:
 * - a date without a zone is read in UTC. Conductor reads it in the server's default zone, which
 *   makes the same definition wait for different instants on different servers.
 * - out-of-range fields ("2024-02-30", "25:00") are refused; commons-lang parses leniently and
 *   rolls them over into the next month or day.
 * - zones: `Z`, `UTC`, `GMT`, `UT`; offsets (`+0530`, `+05:30`, `-08`, `GMT+5:30`); IANA ids
 *   (`Europe/Paris`, DST-aware, through Intl); and the abbreviations in ZONE_ABBREVIATIONS,
 *   each a fixed offset as Java gives it (`PST` is always -08:00, `PDT` -07:00; `CST` is US
 *   Central). Abbreviations that name several zones (IST, BST, AST) are refused rather than guessed.
 * - the duration is scanned unit by unit instead of with Conductor's regular expression, whose
 *   adjacent `\s*` backtrack polynomially on long blank input; the language is the same.
 */
import { ConfigError } from '../../core/errors.js';
import type { JsonObject } from '../model.js';

const DURATION_FORMATS =
  "days, hours, minutes and seconds in that order, each optional, e.g. '30s', '10 minutes', '1d 2h 30m', " +
  "'2 days 3 hours 4 minutes 5 seconds' (units: d, day(s); h, hr(s), hour(s); m, min(s), minute(s); s, sec(s), second(s))";
const DATE_FORMATS =
  "'yyyy-MM-dd HH:mm', 'yyyy-MM-dd HH:mm z' or 'yyyy-MM-dd', e.g. '2025-06-30 17:45', '2025-06-30 17:45 PST', " +
  "'2025-06-30 17:45 Europe/Paris', '2025-06-30' (without a zone the time is UTC)";

/** Java's `\s`: no Unicode spaces. */
const WS = '[ \\t\\n\\x0B\\f\\r]*';
const UNITS: ReadonlyArray<readonly [RegExp, number]> = [
  [new RegExp(`(\\d+)${WS}(?:days?|d)${WS}`, 'iy'), 86_400],
  [new RegExp(`(\\d+)${WS}(?:hours?|hrs?|h)${WS}`, 'iy'), 3_600],
  [new RegExp(`(\\d+)${WS}(?:minutes?|mins?|m)${WS}`, 'iy'), 60],
  [new RegExp(`(\\d+)${WS}(?:seconds?|secs?|s)${WS}`, 'iy'), 1],
];
const LEADING_WS = new RegExp(WS, 'y');
/** Java's Integer.parseInt refuses more. */
const MAX_INT = 2_147_483_647;

/**
 * A WAIT `duration` in milliseconds; `where` names the field in the error.
 * @example parseWaitDuration('1d 2h 30m', "task 'wait_ref': inputParameters.duration") // 95_400_000
 */
export function parseWaitDuration(text: string, where: string): number {
  const refuse = (why: string) =>
    new ConfigError(`${where}: ${JSON.stringify(text)} ${why}; a duration is ${DURATION_FORMATS}`);
  if (typeof text !== 'string' || text.trim() === '') throw refuse('is not a duration');
  LEADING_WS.lastIndex = 0;
  LEADING_WS.test(text);
  let at = LEADING_WS.lastIndex;
  let seconds = 0;
  // Units are disjoint and must come in order, so a unit either matches here or is absent.
  for (const [pattern, unitSeconds] of UNITS) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (!match) continue;
    const count = Number(match[1]);
    if (count > MAX_INT) throw refuse(`has ${match[1]}, more than ${MAX_INT}`);
    seconds += count * unitSeconds;
    at = pattern.lastIndex;
  }
  if (at !== text.length) throw refuse('is not a duration');
  return seconds * 1000;
}

/**
 * A WAIT `until` as epoch milliseconds; `where` names the field in the error.
 * @example parseWaitUntil('2025-06-30 17:45 PST', "task 'wait_ref': inputParameters.until") // Date.parse('2025-07-01T01:45Z')
 */
export function parseWaitUntil(text: string, where: string): number {
  const refuse = (why: string) => new ConfigError(`${where}: ${JSON.stringify(text)} ${why}; use ${DATE_FORMATS}`);
  const match =
    typeof text === 'string'
      ? /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ \t]+(\d{1,2}):(\d{1,2})(?:[ \t]+(\S+))?)?$/.exec(text.trim())
      : null;
  if (!match) throw refuse('is not a date Conductor reads');
  const [year, month, day, hour, minute] = match.slice(1, 6).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12) throw refuse(`has month ${month}`);
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() + (month === 2 && !isLeap(year) ? -1 : 0);
  if (day < 1 || day > daysInMonth) throw refuse(`has day ${day}, and that month has ${daysInMonth}`);
  if (hour > 23 || minute > 59) throw refuse(`has time ${hour}:${String(minute).padStart(2, '0')}`);
  const wall = utc(year, month, day, hour, minute);
  const zone = match[6];
  if (zone === undefined) return wall;
  const offsetMinutes = fixedOffset(zone);
  if (offsetMinutes === 'ambiguous') {
    throw refuse(`names zone '${zone}', which stands for several zones; give an offset such as +05:30 or a zone id`);
  }
  if (offsetMinutes !== undefined) return wall - offsetMinutes * 60_000;
  const offsetAt = zoneOffsets(zone);
  if (offsetAt === undefined) {
    throw refuse(
      `names zone '${zone}', which is not known; give an offset such as -08:00, UTC or a zone id such as America/Los_Angeles`,
    );
  }
  return instantOf(wall, offsetAt);
}

/**
 * When a WAIT task with these evaluated `inputParameters` ends, in epoch ms, as Conductor's
 * WaitTaskMapper decides it: `now + duration`, or `until` (maybe already past: wait 0), or
 * undefined when neither is set (the task waits until it is signalled). `where` names the task.
 * `now` must be the run's recorded time, so a replay computes the same deadline.
 * @example waitDeadline({ duration: '10s' }, 1_000, "task 'wait_ref'") // 11_000
 */
export function waitDeadline(inputParameters: JsonObject, now: number, where: string): number | undefined {
  const duration = filled(inputParameters.duration, `${where}: inputParameters.duration`);
  const until = filled(inputParameters.until, `${where}: inputParameters.until`);
  if (duration !== undefined && until !== undefined) {
    throw new ConfigError(`${where}: sets both inputParameters.duration and inputParameters.until; keep one`);
  }
  if (duration !== undefined) return now + parseWaitDuration(duration, `${where}: inputParameters.duration`);
  if (until !== undefined) return parseWaitUntil(until, `${where}: inputParameters.until`);
  return undefined;
}

/** A non-blank string, or undefined for null, absent and blank (Conductor's `isNotBlank`). */
function filled(value: JsonObject[string] | undefined, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ConfigError(
      `${where}: ${JSON.stringify(value)} is not text; give a string such as '10s' or '2025-06-30 17:45'`,
    );
  }
  return value.trim() === '' ? undefined : value;
}

/**
 * Abbreviations Java's English zone names give one meaning to, as fixed offsets in minutes
 * (commons-lang applies the standard or the daylight offset the name stands for, not the zone's rules).
 */
const ZONE_ABBREVIATIONS: Readonly<Record<string, number>> = {
  Z: 0,
  UT: 0,
  UTC: 0,
  GMT: 0,
  WET: 0,
  WEST: 60,
  CET: 60,
  CEST: 120,
  MET: 60,
  MEST: 120,
  EET: 120,
  EEST: 180,
  MSK: 180,
  EST: -300,
  EDT: -240,
  CST: -360,
  CDT: -300,
  MST: -420,
  MDT: -360,
  PST: -480,
  PDT: -420,
  AKST: -540,
  AKDT: -480,
  HST: -600,
  JST: 540,
  KST: 540,
  HKT: 480,
  SGT: 480,
  AWST: 480,
  ACST: 570,
  ACDT: 630,
  AEST: 600,
  AEDT: 660,
  NZST: 720,
  NZDT: 780,
};
/** India, Israel or Ireland; British Summer or Bangladesh; Atlantic or Arabia. */
const AMBIGUOUS = new Set(['IST', 'BST', 'AST']);

/** A zone as a fixed offset in minutes, 'ambiguous', or undefined when it is not one (an IANA id, maybe). */
function fixedOffset(zone: string): number | 'ambiguous' | undefined {
  const upper = zone.toUpperCase();
  if (Object.hasOwn(ZONE_ABBREVIATIONS, upper)) return ZONE_ABBREVIATIONS[upper];
  if (AMBIGUOUS.has(upper)) return 'ambiguous';
  const offset = /^(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone);
  if (!offset) return undefined;
  const hours = Number(offset[2]);
  const minutes = Number(offset[3] ?? 0);
  if (hours > 18 || minutes > 59) return undefined;
  return (offset[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/** For an IANA zone, a function from an instant to the zone's offset then (ms); undefined if unknown. */
function zoneOffsets(zone: string): ((instant: number) => number) | undefined {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  return (instant) => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(instant)) parts[part.type] = Number(part.value);
    const wall = utc(parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!) + parts.second! * 1000;
    return wall - Math.floor(instant / 1000) * 1000;
  };
}

/**
 * The instant a wall-clock time names in a zone. Around a DST change it is read as Java's
 * Calendar reads it, in standard time: a time skipped in spring lands after the jump (02:30 → 03:30),
 * a time repeated in autumn is its second, standard-time occurrence.
 */
function instantOf(wall: number, offsetAt: (instant: number) => number): number {
  const day = 86_400_000;
  const before = offsetAt(wall - day);
  const after = offsetAt(wall + day);
  const candidates = [wall - before, wall - after].filter((instant) => instant + offsetAt(instant) === wall);
  if (candidates.length === 0) return wall - Math.min(before, after); // in the gap
  return Math.max(...candidates); // one, or the standard-time one of two
}

/** Milliseconds since the epoch of a UTC wall time; years 0–99 stay themselves (Date.UTC maps them to 19xx). */
function utc(year: number, month: number, day: number, hour: number, minute: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.setUTCHours(hour, minute, 0, 0);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
