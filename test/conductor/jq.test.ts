/**
 * JSON_JQ_TRANSFORM: Conductor's documented example and the cases of its JsonJqTransformTest
 * (json-jq-task/src/test/java/com/netflix/conductor/tasks/json), then errors and limits.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createJqTransformer, type JsonObject } from '../../src/conductor/index.js';
import { ConfigError, type ScriptError } from '../../src/core/errors.js';
import { scriptFailure } from './script-failure.js';

const jq = createJqTransformer({ timeoutMs: 500 });
after(() => jq.close());

function transform(inputParameters: JsonObject, taskReferenceName = 'jq_ref') {
  return jq.transform({ taskReferenceName, inputParameters });
}

function failure(promise: Promise<unknown>, kind: ScriptError['kind']): Promise<ScriptError> {
  return scriptFailure(promise, kind, 'jq');
}

describe("Conductor's examples", () => {
  const keys = { key1: { value1: ['a', 'b'] }, key2: { value2: ['c', 'd'] } };

  test('the documented example: an object built from two lists', async () => {
    const output = await transform({ ...keys, queryExpression: '{ key3: (.key1.value1 + .key2.value2) }' });
    assert.deepEqual(output, { result: { key3: ['a', 'b', 'c', 'd'] }, resultList: [{ key3: ['a', 'b', 'c', 'd'] }] });
  });

  test('.key1.value1 + .key2.value2', async () => {
    const output = await transform({ ...keys, queryExpression: '.key1.value1 + .key2.value2' });
    assert.deepEqual(output, { result: ['a', 'b', 'c', 'd'], resultList: [['a', 'b', 'c', 'd']] });
  });

  test('dataShouldBeCorrectlySelected', async () => {
    const output = await transform({ queryExpression: '.inputJson.key[0]', inputJson: { key: ['VALUE'] } });
    assert.deepEqual(output, { result: 'VALUE', resultList: ['VALUE'] });
  });

  test('mapResultShouldBeCorrectlyExtracted: alternatives with //', async () => {
    const { result } = await transform({
      input: {
        method: 'POST',
        successExpression: null,
        requestTransform: '{name: (.body.name + " you are a " + .body.title) }',
        responseTransform: '{result: "reply: " + .response.body.message}',
      },
      queryExpression:
        '{ requestTransform: .input.requestTransform // ".body"  , responseTransform: .input.responseTransform // ".response.body", ' +
        'method: .input.method // "GET", document: .input.document // "rgt_results", successExpression: .input.successExpression // "true"   }',
    });
    assert.deepEqual(result, {
      requestTransform: '{name: (.body.name + " you are a " + .body.title) }',
      responseTransform: '{result: "reply: " + .response.body.message}',
      method: 'POST',
      document: 'rgt_results',
      successExpression: 'true',
    });
  });

  test('stringResultShouldBeCorrectlyExtracted', async () => {
    const { result } = await transform({
      data: [],
      queryExpression: 'if(.data | length >0) then "EXISTS" else "CREATE" end',
    });
    assert.equal(result, 'CREATE');
  });

  test('listResultShouldBeCorrectlyExtracted', async () => {
    const transitions = [{ name: 'redeliver' }, { name: 'redeliver_from_validation_error' }, { name: 'redelivery' }];
    const { result } = await transform({
      inputData: { request: { transitions } },
      queryExpression: '.inputData.request.transitions | map(.name)',
    });
    assert.deepEqual(result, ['redeliver', 'redeliver_from_validation_error', 'redelivery']);
  });

  test('nullResultShouldBeCorrectlyExtracted', async () => {
    assert.deepEqual(await transform({ queryExpression: 'null' }), { result: null, resultList: [null] });
  });
});

describe('the input and the output', () => {
  test('several values: result is the first, resultList all of them', async () => {
    const output = await transform({ list: [3, 1, 2], queryExpression: '.list[] | . * 10' });
    assert.deepEqual(output, { result: 30, resultList: [30, 10, 20] });
  });

  test('no value: result null, resultList empty', async () => {
    assert.deepEqual(await transform({ list: [1], queryExpression: '.list[] | select(. > 5)' }), {
      result: null,
      resultList: [],
    });
  });

  test('the input is the whole inputParameters, queryExpression included', async () => {
    const { result } = await transform({ a: 1, queryExpression: 'keys' });
    assert.deepEqual(result, ['a', 'queryExpression']);
  });

  test('strings, numbers and nesting survive the trip', async () => {
    const value = { text: 'é ☃ "quoted"\nline', n: -1.5e-7, big: 9007199254740991, nested: [[{ a: null }]] };
    const { result } = await transform({ value, queryExpression: '.value' });
    assert.deepEqual(result, value);
  });
});

describe('errors and limits', () => {
  test('a query that does not compile: the task, jq’s error and where', async () => {
    const error = await failure(transform({ queryExpression: '.key1 | {' }, 'merge'), 'syntax');
    assert.equal(error.code, 'SCRIPT_FAILED');
    assert.equal(error.taskReferenceName, 'merge');
    assert.equal(error.line, 1);
    assert.ok(error.column > 0);
    assert.match(
      error.message,
      /^task 'merge' \(jq\): the query '\.key1 \| \{' does not compile: syntax error, unexpected end of file .*line 1, column \d+/,
    );
  });

  test('a query that fails while running: error(…) and type errors', async () => {
    const thrown = await failure(transform({ queryExpression: 'error("boom")' }), 'thrown');
    assert.match(thrown.message, /the query 'error\("boom"\)' failed: boom;/);
    const typeError = await failure(transform({ a: [1], queryExpression: '.a + 1' }), 'thrown');
    assert.match(typeError.message, /array \(\[1\]\) and number \(1\) cannot be added/);
  });

  test('no queryExpression is refused', async () => {
    await failure(transform({ a: 1 }), 'invalid');
    await failure(transform({ queryExpression: 42 }), 'invalid');
  });

  test('a query that never ends is stopped at the time limit; the next one runs', async () => {
    await transform({ queryExpression: '.' }); // the thread has started
    for (const query of ['repeat(1)', 'def f: f; f', 'last(range(infinite))']) {
      const started = performance.now();
      const error = await failure(transform({ queryExpression: query }), 'timeout');
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 490 && elapsed < 1500, `${query}: stopped after ${elapsed.toFixed(0)} ms`);
      assert.match(error.message, /did not finish within 500 ms and was stopped/);
      assert.deepEqual(await transform({ n: 1, queryExpression: '.n + 1' }), { result: 2, resultList: [2] });
    }
  });

  test('a query that builds without end is stopped at the memory limit; the next one runs', async () => {
    const small = createJqTransformer({ timeoutMs: 20_000, memoryLimitBytes: 32 * 1024 * 1024 });
    try {
      const error = await failure(
        small.transform({ taskReferenceName: 'grow', inputParameters: { queryExpression: '[range(1e9)]' } }),
        'memory',
      );
      assert.match(error.message, /ran out of memory \(limit 32 MiB\)/);
      const next = await small.transform({
        taskReferenceName: 'next',
        inputParameters: { queryExpression: '[range(3)]' },
      });
      assert.deepEqual(next.result, [0, 1, 2]);
    } finally {
      await small.close();
    }
  });

  test('nothing of the host: not its environment, files or modules; a query is never a flag', async () => {
    const { result: home } = await transform({ queryExpression: '$ENV.HOME' });
    assert.notEqual(home, process.env.HOME);
    assert.equal(home, '/home/web_user');
    const include = await failure(transform({ queryExpression: 'include "etc/passwd"; .' }), 'syntax');
    assert.match(include.message, /module not found/);
    await failure(transform({ queryExpression: 'input' }), 'thrown');
    // Passed as jq's first argument, `--rawfile x /etc/passwd` would be options; it is a query.
    await failure(transform({ queryExpression: '--rawfile x /etc/passwd' }), 'syntax');
  });

  test('options are checked; a closed transformer refuses', async () => {
    assert.throws(() => createJqTransformer({ timeoutMs: -1 }), ConfigError);
    const closed = createJqTransformer();
    await closed.close();
    await assert.rejects(
      closed.transform({ taskReferenceName: 't', inputParameters: { queryExpression: '.' } }),
      ConfigError,
    );
  });
});
