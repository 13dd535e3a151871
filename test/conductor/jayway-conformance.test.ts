/**
 * Expressions compared with Conductor itself: each case in fixtures/jayway-cases.json was
 * recorded by running Conductor's `ParametersUtils.replaceVariables` logic (its pattern, Jayway
 * with SUPPRESS_EXCEPTIONS, `Objects.toString`) on Jayway JsonPath 2.10.0 and json-smart 2.6.0,
 * against the document in the file. Typed values, nulls, Java's printing of maps, lists and
 * doubles, filters, scans, slices and path functions all have to come out the same.
 *
 * Known differences, left out of the file and described in docs/conductor.md: path functions
 * that take arguments (`concat("a")`) and some malformed paths (`${workflow.input[}`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { evaluateParametersAgainst } from '../../src/conductor/index.js';

interface RecordedCase {
  text: string;
  javaType: string;
  expected: unknown;
}

const recorded = JSON.parse(readFileSync(new URL('./fixtures/jayway-cases.json', import.meta.url), 'utf8')) as {
  document: unknown;
  cases: RecordedCase[];
};

describe('expressions evaluate as Conductor evaluated them', () => {
  test('the recording has the cases this suite relies on', () => {
    assert.ok(recorded.cases.length >= 150, `only ${recorded.cases.length} cases`);
  });

  for (const { text, javaType, expected } of recorded.cases) {
    test(`${JSON.stringify(text)} → ${javaType} ${JSON.stringify(expected)?.slice(0, 60)}`, () => {
      assert.deepEqual(evaluateParametersAgainst(recorded.document, { value: text }).value, expected);
    });
  }
});
