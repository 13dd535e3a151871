/**
 * WAIT task times, after Conductor's DateTimeUtils (parseDuration, parseDate) and WaitTaskMapper:
 * the duration grammar, the date patterns and zones, and when a WAIT ends.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseWaitDuration, parseWaitUntil, waitDeadline } from '../../src/conductor/run/wait-time.js';
import { ConfigError } from '../../src/core/errors.js';

const WHERE = "task 'wait_ref': inputParameters.duration";
const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('parseWaitDuration: days, hours, minutes, seconds, in that order', () => {
  const valid: Array<[string, number]> = [
    ['10s', 10 * s],
    ['30 seconds', 30 * s],
    ['1 second', 1 * s],
    ['5 secs', 5 * s],
    ['0s', 0],
    ['2m', 2 * m],
    ['10 minutes', 10 * m],
    ['3 mins', 3 * m],
    ['1h', 1 * h],
    ['2 hrs', 2 * h],
    ['4 hours', 4 * h],
    ['1d', 1 * d],
    ['3 days', 3 * d],
    ['1d 2h 30m', d + 2 * h + 30 * m],
    ['1d2h30m15s', d + 2 * h + 30 * m + 15 * s],
    ['2 days 3 hours 4 minutes 5 seconds', 2 * d + 3 * h + 4 * m + 5 * s],
    ['1h 30s', h + 30 * s],
    ['  90s  ', 90 * s],
    ['10S', 10 * s],
    ['1 Day 1 HOUR', d + h],
  ];
  for (const [text, ms] of valid) {
    test(JSON.stringify(text), () => assert.equal(parseWaitDuration(text, WHERE), ms));
  }

  const invalid = [
    '',
    '   ',
    '10',
    '500ms',
    'PT90S',
    '1.5h',
    '30m 1h',
    '1w',
    '-5s',
    '10 s s',
    '1h, 30m',
    'soon',
    '1 d x',
  ];
  for (const text of invalid) {
    test(`refuses ${JSON.stringify(text)}, naming where and the accepted forms`, () => {
      assert.throws(
        () => parseWaitDuration(text, WHERE),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.code === 'CONFIG_INVALID' &&
          error.message.startsWith(`${WHERE}: ${JSON.stringify(text)}`) &&
          error.message.includes("'1d 2h 30m'"),
      );
    });
  }

  test('refuses a count larger than a Java int, as Integer.parseInt does', () => {
    assert.throws(() => parseWaitDuration('99999999999s', WHERE), /more than 2147483647/);
    assert.equal(parseWaitDuration('2147483647s', WHERE), 2_147_483_647 * s);
  });

  test('long blank input is refused quickly (no regex backtracking)', () => {
    const started = Date.now();
    assert.throws(() => parseWaitDuration(`1d${' '.repeat(50_000)}x`, WHERE));
    assert.ok(Date.now() - started < 200);
  });
});

describe("parseWaitUntil: 'yyyy-MM-dd HH:mm', 'yyyy-MM-dd HH:mm z', 'yyyy-MM-dd'", () => {
  const UNTIL = "task 'wait_ref': inputParameters.until";
  const valid: Array<[string, string]> = [
    ['2025-06-30 17:45', '2025-06-30T17:45:00Z'], // no zone: UTC
    ['2025-06-30', '2025-06-30T00:00:00Z'],
    ['2025-6-3 7:05', '2025-06-03T07:05:00Z'],
    ['2024-02-29 12:00', '2024-02-29T12:00:00Z'],
    ['2025-06-30 17:45 UTC', '2025-06-30T17:45:00Z'],
    ['2025-06-30 17:45 GMT', '2025-06-30T17:45:00Z'],
    ['2025-06-30 17:45 Z', '2025-06-30T17:45:00Z'],
    ['2025-06-30 17:45 PST', '2025-07-01T01:45:00Z'], // an abbreviation is a fixed offset, DST or not
    ['2025-06-30 17:45 PDT', '2025-07-01T00:45:00Z'],
    ['2025-01-15 09:00 EST', '2025-01-15T14:00:00Z'],
    ['2025-01-15 09:00 cet', '2025-01-15T08:00:00Z'],
    ['2025-06-30 17:45 +0530', '2025-06-30T12:15:00Z'],
    ['2025-06-30 17:45 +05:30', '2025-06-30T12:15:00Z'],
    ['2025-06-30 17:45 -08', '2025-07-01T01:45:00Z'],
    ['2025-06-30 17:45 GMT+5:30', '2025-06-30T12:15:00Z'],
    ['2025-06-30 17:45 America/Los_Angeles', '2025-07-01T00:45:00Z'], // a zone id follows DST
    ['2025-01-15 17:45 America/Los_Angeles', '2025-01-16T01:45:00Z'],
    ['2025-06-30 17:45 Europe/Paris', '2025-06-30T15:45:00Z'],
    ['2025-06-30 17:45 Asia/Kolkata', '2025-06-30T12:15:00Z'],
  ];
  for (const [text, iso] of valid) {
    test(JSON.stringify(text), () => assert.equal(parseWaitUntil(text, UNTIL), Date.parse(iso)));
  }

  test('around DST changes a wall time is read in standard time, as Java Calendar does', () => {
    // 2025-03-09 02:30 does not exist in Los Angeles (02:00 → 03:00): it lands on 03:30 PDT.
    assert.equal(parseWaitUntil('2025-03-09 02:30 America/Los_Angeles', UNTIL), Date.parse('2025-03-09T10:30:00Z'));
    // 2025-11-02 01:30 happens twice: the second, standard-time one (PST).
    assert.equal(parseWaitUntil('2025-11-02 01:30 America/Los_Angeles', UNTIL), Date.parse('2025-11-02T09:30:00Z'));
  });

  const invalid: Array<[string, RegExp]> = [
    ['2025-06-30T17:45:00Z', /is not a date Conductor reads/],
    ['2025-06-30 17:45:10', /is not a date Conductor reads/],
    ['30/06/2025', /is not a date Conductor reads/],
    ['2025-06-30 PST', /is not a date Conductor reads/],
    ['2025-13-01', /has month 13/],
    ['2025-02-29', /has day 29, and that month has 28/],
    ['2025-06-31 10:00', /has day 31/],
    ['2025-06-30 24:00', /has time 24:00/],
    ['2025-06-30 17:60', /has time 17:60/],
    ['2025-06-30 17:45 IST', /stands for several zones/],
    ['2025-06-30 17:45 Mars/Olympus', /which is not known/],
    ['2025-06-30 17:45 +25:00', /which is not known/],
    ['', /is not a date/],
  ];
  for (const [text, message] of invalid) {
    test(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseWaitUntil(text, UNTIL),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.startsWith(`${UNTIL}: ${JSON.stringify(text)}`) &&
          message.test(error.message) &&
          error.message.includes("'yyyy-MM-dd HH:mm z'"),
      );
    });
  }
});

describe('waitDeadline: when a WAIT task ends (WaitTaskMapper)', () => {
  const now = Date.parse('2025-06-30T12:00:00Z');
  const where = "task 'wait_ref'";

  test('duration: now + duration', () => {
    assert.equal(waitDeadline({ duration: '10s' }, now, where), now + 10 * s);
  });

  test('until: the instant, even when past (the caller waits 0)', () => {
    assert.equal(waitDeadline({ until: '2025-06-30 13:00' }, now, where), Date.parse('2025-06-30T13:00:00Z'));
    assert.equal(waitDeadline({ until: '2020-01-01' }, now, where), Date.parse('2020-01-01T00:00:00Z'));
  });

  test('neither, or blank, or null: undefined (wait until signalled)', () => {
    assert.equal(waitDeadline({}, now, where), undefined);
    assert.equal(waitDeadline({ duration: '  ', until: '' }, now, where), undefined);
    assert.equal(waitDeadline({ duration: null }, now, where), undefined);
  });

  test('both: refused', () => {
    assert.throws(
      () => waitDeadline({ duration: '10s', until: '2025-07-01' }, now, where),
      /task 'wait_ref': sets both inputParameters\.duration and inputParameters\.until; keep one/,
    );
  });

  test('not text, or not parseable: refused naming the field', () => {
    assert.throws(
      () => waitDeadline({ duration: 10 }, now, where),
      /task 'wait_ref': inputParameters\.duration: 10 is not text/,
    );
    assert.throws(
      () => waitDeadline({ duration: 'soon' }, now, where),
      /task 'wait_ref': inputParameters\.duration: "soon"/,
    );
    assert.throws(
      () => waitDeadline({ until: 'tomorrow' }, now, where),
      /task 'wait_ref': inputParameters\.until: "tomorrow"/,
    );
  });
});
