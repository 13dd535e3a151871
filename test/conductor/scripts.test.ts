/**
 * The script sandbox (QuickJS in WebAssembly, on its own thread) and what INLINE, SWITCH, DECISION
 * and DO_WHILE make of scripts, after Conductor's Inline, SwitchTaskMapper, DecisionTaskMapper and
 * DoWhile: what `$` holds, how results come back, the limits, and that nothing of the host is
 * reachable.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import {
  createScriptSandbox,
  evaluateInline,
  evaluateLoopCondition,
  evaluateSwitchCase,
  loopConditionInput,
  type ScriptSandbox,
  type WorkflowTask,
} from '../../src/conductor/index.js';
import { ConfigError, type ScriptError } from '../../src/core/errors.js';
import { scriptFailure } from './script-failure.js';

const sandbox = createScriptSandbox({ timeoutMs: 300, memoryLimitBytes: 16 * 1024 * 1024 });
after(() => sandbox.close());

function run(expression: string, input: Record<string, never> | object = {}, box: ScriptSandbox = sandbox) {
  return box.evaluate({
    evaluatorType: 'javascript',
    expression,
    input: input as never,
    taskReferenceName: 'script_ref',
  });
}

function failure(promise: Promise<unknown>, kind: ScriptError['kind']): Promise<ScriptError> {
  return scriptFailure(promise, kind, 'javascript');
}

describe('INLINE: $ is the whole inputParameters, the output is { result }', () => {
  test("Conductor's example: a function declared and called, returning an object", async () => {
    const inputParameters = {
      input: { a: 1 },
      evaluatorType: 'javascript',
      expression:
        'function e() { if ($.input.a == 1) { return { testvalue: true } } return { testvalue: false } } e();',
    };
    assert.deepEqual(await evaluateInline(sandbox, 'inline_test', inputParameters), { result: { testvalue: true } });
    inputParameters.input.a = 2;
    assert.deepEqual(await evaluateInline(sandbox, 'inline_test', inputParameters), { result: { testvalue: false } });
  });

  test('a plain expression; its value is the result', async () => {
    const inputParameters = { value: 21, evaluatorType: 'javascript', expression: '$.value * 2' };
    assert.deepEqual(await evaluateInline(sandbox, 'double', inputParameters), { result: 42 });
  });

  test('$ also holds evaluatorType and expression, as in Conductor', async () => {
    const inputParameters = {
      evaluatorType: 'graaljs',
      expression: 'Object.keys($).join(",") + ":" + $.evaluatorType',
    };
    assert.deepEqual(await evaluateInline(sandbox, 'keys', inputParameters), {
      result: 'evaluatorType,expression:graaljs',
    });
  });

  test('value-param reads $[expression]; a missing key is null', async () => {
    const inputParameters = { evaluatorType: 'value-param', expression: 'size', size: { w: 2 } };
    assert.deepEqual(await evaluateInline(sandbox, 'read', inputParameters), { result: { w: 2 } });
    assert.deepEqual(await evaluateInline(sandbox, 'read', { ...inputParameters, expression: 'nope' }), {
      result: null,
    });
  });

  test('an unknown evaluator or a missing expression is refused, naming the task', async () => {
    const python = await failure(
      evaluateInline(sandbox, 'py', { evaluatorType: 'python', expression: '1 + 1' }),
      'invalid',
    );
    assert.match(python.message, /^task 'py' \(javascript\): evaluatorType 'python' is not one Tutti runs/);
    await failure(evaluateInline(sandbox, 'empty', { evaluatorType: 'javascript', expression: '  ' }), 'invalid');
    await failure(evaluateInline(sandbox, 'none', { evaluatorType: 'javascript' }), 'invalid');
  });

  test('the script works on a copy: changing $ does not change the caller’s input', async () => {
    const input = { list: [1, 2] };
    assert.deepEqual(await run('$.list.push(3); $.list', input), [1, 2, 3]);
    assert.deepEqual(input, { list: [1, 2] });
  });
});

describe('results come back as JSON', () => {
  const cases: [expression: string, expected: unknown][] = [
    ['7', 7],
    ['0.1 + 0.2', 0.30000000000000004],
    ['-0', 0],
    ['"text"', 'text'],
    ['1 < 2', true],
    ['[1, "a", null, [true]]', [1, 'a', null, [true]]],
    ['({ a: { b: [1] }, u: undefined })', { a: { b: [1] } }],
    ['[undefined, function () {}]', [null, null]],
    ['null', null],
    ['undefined', null],
    ['var x = 1', null],
    ['NaN', null],
    ['(function () {})', null],
    ['new Date(0)', '1970-01-01T00:00:00.000Z'],
    ['({ toJSON() { return "mine" } })', 'mine'],
    ['let total = 0; for (const n of $.list) total += n; total', 6],
  ];
  for (const [expression, expected] of cases) {
    test(`${expression} → ${JSON.stringify(expected)}`, async () => {
      assert.deepEqual(await run(expression, { list: [1, 2, 3] }), expected);
    });
  }

  test('a result JSON cannot carry fails as such', async () => {
    const error = await failure(run('10n'), 'result');
    assert.match(error.message, /cannot be carried as JSON: TypeError: .*BigInt/);
  });

  test('a script cannot fake its result by replacing JSON.stringify', async () => {
    assert.deepEqual(await run('JSON.stringify = () => "{\\"forged\\":true}"; ({ real: 1 })'), { real: 1 });
  });
});

describe('SWITCH and DECISION: the case is the result as Java prints it', () => {
  const switchTask = (evaluatorType: string, expression: string): WorkflowTask => ({
    name: 'switch',
    taskReferenceName: 'switch_ref',
    type: 'SWITCH',
    evaluatorType,
    expression,
  });
  const cases: [expression: string, expected: string][] = [
    ['$.size > 10 ? "big" : "small"', 'big'],
    ['$.size / 6', '2'],
    ['$.size / 8', '1.5'],
    ['$.size > 1', 'true'],
    ['null', 'null'],
    ['undefined', 'null'],
    ['({ a: 1, b: [1, "x"] })', '{a=1, b=[1, x]}'],
  ];
  for (const [expression, expected] of cases) {
    test(`javascript ${expression} → '${expected}'`, async () => {
      assert.equal(await evaluateSwitchCase(sandbox, switchTask('javascript', expression), { size: 12 }), expected);
    });
  }

  test('value-param: the named input parameter, or "null"', async () => {
    assert.equal(await evaluateSwitchCase(sandbox, switchTask('value-param', 'kind'), { kind: 'video' }), 'video');
    assert.equal(await evaluateSwitchCase(sandbox, switchTask('value-param', 'kind'), { kind: 4 }), '4');
    assert.equal(await evaluateSwitchCase(sandbox, switchTask('value-param', 'kind'), {}), 'null');
  });

  test('DECISION: caseExpression is javascript, else caseValueParam names a parameter', async () => {
    const decision = { name: 'd', taskReferenceName: 'd_ref', type: 'DECISION' };
    const byScript = { ...decision, caseExpression: '$.n % 2 == 0 ? "even" : "odd"', caseValueParam: 'ignored' };
    assert.equal(await evaluateSwitchCase(sandbox, byScript, { n: 3 }), 'odd');
    assert.equal(await evaluateSwitchCase(sandbox, { ...decision, caseValueParam: 'n' }, { n: 3 }), '3');
  });

  test('a failing expression names the SWITCH task', async () => {
    const error = await failure(evaluateSwitchCase(sandbox, switchTask('javascript', '$.a.b'), {}), 'thrown');
    assert.equal(error.taskReferenceName, 'switch_ref');
  });
});

describe('DO_WHILE: the loop condition', () => {
  const loopTask = (loopCondition: string): WorkflowTask => ({
    name: 'loop',
    taskReferenceName: 'loop',
    type: 'DO_WHILE',
    loopCondition,
    loopOver: [{ name: 'fetch', taskReferenceName: 'fetch' }],
  });
  const state = (iteration: number, fetched: number) =>
    loopConditionInput({
      inputParameters: { max: 3, fetch: 'shadowed by the task output', loop: 'shadowed by the loop output' },
      taskReferenceName: 'loop',
      loopOutput: { iteration, [String(iteration)]: { fetch: { count: fetched } } },
      loopTaskOutputs: { fetch: { count: fetched } },
    });

  test('$ holds the parameters, the loop task’s output and each loop task’s output, in that order', () => {
    assert.deepEqual(state(2, 5), {
      max: 3,
      fetch: { count: 5 },
      loop: { iteration: 2, '2': { fetch: { count: 5 } } },
    });
  });

  test("Conductor's documented condition over the iteration", async () => {
    const task = loopTask("if ($.loop['iteration'] < $.max) { true; } else { false; }");
    assert.equal(await evaluateLoopCondition(sandbox, task, state(1, 0)), true);
    assert.equal(await evaluateLoopCondition(sandbox, task, state(3, 0)), false);
  });

  test('a condition over a loop task’s output', async () => {
    const task = loopTask('$.fetch.count < 10');
    assert.equal(await evaluateLoopCondition(sandbox, task, state(1, 4)), true);
    assert.equal(await evaluateLoopCondition(sandbox, task, state(2, 12)), false);
  });

  test('true or a number above 0 goes on; anything else ends the loop', async () => {
    const expected: [string, boolean][] = [
      ['true', true],
      ['1', true],
      ['0.5', true],
      ['false', false],
      ['0', false],
      ['-1', false],
      ['"true"', false],
      ['null', false],
      ['({})', false],
    ];
    for (const [condition, goesOn] of expected) {
      assert.equal(await evaluateLoopCondition(sandbox, loopTask(condition), {}), goesOn, condition);
    }
  });
});

describe('limits: a script is stopped, the sandbox and the process carry on', () => {
  test('a loop that never ends is stopped at the time limit, even inside try/catch; the next script runs', async () => {
    await run('1'); // the thread has started
    const started = performance.now();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    try {
      const error = await failure(run('try { while (true) {} } catch (e) { "caught" }'), 'timeout');
      assert.match(
        error.message,
        /^task 'script_ref' \(javascript\): the script 'try \{ while \(true\) \{\} \} catch.*did not finish within 300 ms/,
      );
    } finally {
      clearInterval(ticker);
    }
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 290 && elapsed < 1000, `stopped after ${elapsed.toFixed(0)} ms`);
    assert.ok(ticks >= 5, `the host's event loop ran ${ticks} timer ticks while the script looped`);
    assert.equal(await run('$.n + 1', { n: 1 }), 2);
  });

  test('allocating without end is stopped at the memory limit', async () => {
    const roomy = createScriptSandbox({ timeoutMs: 10_000, memoryLimitBytes: 16 * 1024 * 1024 });
    try {
      const started = performance.now();
      const error = await failure(
        run('const keep = []; while (true) keep.push({ at: keep.length, tags: ["a", "b"] })', {}, roomy),
        'memory',
      );
      assert.match(error.message, /ran out of memory \(limit 16 MiB\)/);
      assert.ok(performance.now() - started < 5000, 'the memory limit, not the time limit, stopped it');
      assert.equal(await run('"after"', {}, roomy), 'after');
    } finally {
      await roomy.close();
    }
  });

  test('a string doubled without end is stopped', async () => {
    await failure(run('let s = "x"; while (true) s += s'), 'memory');
  });

  test('large buffers count: typed arrays meet the memory limit', async () => {
    await failure(run('const keep = []; while (true) keep.push(new Float64Array(1 << 17))'), 'memory');
  });

  test('a loop of slow built-in calls, which QuickJS rarely interrupts, is stopped all the same', async () => {
    await run('1');
    const started = performance.now();
    const error = await failure(run('const s = "x".repeat(1 << 22); while (true) s.indexOf("y")'), 'timeout');
    assert.ok(performance.now() - started < 1000, error.message);
    assert.equal(await run('"a new thread"'), 'a new thread');
  });

  test('recursion without end is stopped at the stack limit', async () => {
    const error = await failure(run('function f(n) { return f(n + 1) + 1 } f(0)'), 'stack');
    assert.match(error.message, /nested calls too deeply \(stack limit 256 KiB\)/);
  });

  test('an input larger than the memory limit is refused while reading it', async () => {
    const small = createScriptSandbox({ memoryLimitBytes: 8 * 1024 * 1024 });
    try {
      // Its text fits, but not its text, its copy in QuickJS and its parsed value together.
      const inside = await failure(run('$.big.length', { big: 'x'.repeat(7.5 * 1024 * 1024) }, small), 'memory');
      assert.match(
        inside.message,
        /ran out of memory \(limit 8 MiB\) while reading its input.*give it a smaller input/,
      );
      // Not even its text fits: refused before it is sent.
      await failure(run('$.big.length', { big: 'x'.repeat(9 * 1024 * 1024) }, small), 'memory');
      assert.equal(await run('$.small.length', { small: 'x'.repeat(1024) }, small), 1024);
    } finally {
      await small.close();
    }
  });
});

describe('nothing of the host is reachable', () => {
  test('no require, process, console, fetch, timers or module loaders', async () => {
    const probe =
      '[typeof require, typeof process, typeof console, typeof fetch, typeof globalThis.fetch, typeof setTimeout, ' +
      'typeof module, typeof Buffer, typeof std, typeof os, typeof WebAssembly, typeof navigator]';
    assert.deepEqual(await run(probe), Array(12).fill('undefined'));
  });

  test("the Function constructor's global is the sandbox's own", async () => {
    assert.equal(await run('Function("return this")().process'), null);
    assert.equal(await run('typeof this.constructor.constructor("return process")'), 'function');
    const error = await failure(run('this.constructor.constructor("return process")()'), 'thrown');
    assert.match(error.message, /ReferenceError: 'process' is not defined/);
  });

  test('the global object holds only ECMAScript built-ins and $', async () => {
    const names = (await run('Object.getOwnPropertyNames(globalThis)')) as string[];
    const builtins = new Set(Object.getOwnPropertyNames(globalThis));
    const foreign = names.filter((name) => !builtins.has(name) && name !== '$' && !QUICKJS_BUILTINS.has(name));
    assert.deepEqual(foreign, []);
    assert.ok(names.includes('$'));
  });

  test('import: static is a syntax error, dynamic never loads anything', async () => {
    await failure(run('import fs from "node:fs"; fs'), 'syntax');
    const pending =
      'let state = "pending"; import("node:fs").then(() => { state = "loaded" }, () => { state = "refused" }); state';
    assert.equal(await run(pending), 'pending');
  });

  test('each evaluation starts afresh: globals and prototypes a script changed are gone', async () => {
    await run('globalThis.leak = 1; Object.prototype.polluted = true; Array.prototype.push = null; 0');
    assert.deepEqual(await run('[typeof leak, ({}).polluted, typeof [].push]'), ['undefined', null, 'function']);
  });
});

describe('errors say where', () => {
  test('a syntax error gives its line and column, and the first line of the script', async () => {
    const error = await failure(run('\n\n  $.x +* 2\n  + 1'), 'syntax');
    assert.equal(error.line, 3);
    assert.equal(error.column, 8);
    assert.equal(
      error.message,
      "task 'script_ref' (javascript): the script '$.x +* 2 …' does not parse: unexpected token in expression: '*' at line 3, column 8; fix the script there",
    );
  });

  test('a top-level return is explained', async () => {
    const error = await failure(run('if ($.a) return 1;'), 'syntax');
    assert.match(error.message, /return not in a function .*wrap the code in a function and call it/);
  });

  test('a throw gives the error and where it was thrown', async () => {
    const error = await failure(run('function e() {\n  return $.missing.x\n}\ne();'), 'thrown');
    assert.equal(error.line, 2);
    assert.match(error.message, /threw TypeError: cannot read property 'x' of undefined at line 2, column \d+/);
    assert.equal(error.retryable, false);
    const thrownValue = await failure(run('throw "no"'), 'thrown');
    assert.match(thrownValue.message, /threw 'no'/);
  });

  test('a SyntaxError the script raises itself (JSON.parse, eval) is a throw, not a parse error', async () => {
    await failure(run('JSON.parse("{")'), 'thrown');
    await failure(run('eval("(")'), 'thrown');
  });

  test('options are checked; a closed sandbox refuses', async () => {
    assert.throws(() => createScriptSandbox({ timeoutMs: 0 }), ConfigError);
    assert.throws(() => createScriptSandbox({ memoryLimitBytes: Number.NaN }), ConfigError);
    const closed = createScriptSandbox();
    await closed.close();
    await assert.rejects(run('1', {}, closed), ConfigError);
  });
});

/** Globals QuickJS has that Node does not (Node's own set is taken from this process). */
const QUICKJS_BUILTINS = new Set(['InternalError', 'Iterator', 'escape', 'unescape', 'Float16Array']);
