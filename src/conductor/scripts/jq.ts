/**
 * JSON_JQ_TRANSFORM, as Conductor's `JsonJqTransform` runs it: the task's whole `inputParameters`
 * (`queryExpression` included) is jq's input, and the output is `{ result, resultList }`: the
 * first value the query produced (null when none) and all of them.
 *
 * The query runs in real jq (1.8, compiled to WebAssembly by `jq-wasm`) on a thread of its own
 * (`jq-thread.ts`), with a time limit (the thread is terminated) and a memory limit. Conductor
 * runs jackson-jq, a Java reimplementation: the language is the same, a few built-ins differ
 * (docs/conductor.md).
 */
import { ConfigError, ScriptError, type ScriptFailureKind, SerializationError } from '../../core/errors.js';
import type { JsonObject, JsonValue } from '../model.js';
import { IsolatedWorker } from './isolated-worker.js';
import { describeScript, sizeText } from './script-text.js';

export interface JqTransformOptions {
  /**
   * How long one query may run, in milliseconds.
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * The most WebAssembly memory jq may use, in bytes; about 30 MiB of it is jq's own at start.
   * Memory jq has taken is kept for later queries, so the limit holds for the busiest one.
   * @default 134217728 (128 MiB)
   */
  memoryLimitBytes?: number;
}

export interface JqTransformRequest {
  /** The task's evaluated `inputParameters`: jq's input, with `queryExpression` the query. */
  inputParameters: JsonObject;
  /** Named in errors. */
  taskReferenceName: string;
}

/** The output of a JSON_JQ_TRANSFORM task. */
export interface JqTransformOutput {
  /** The first value the query produced; null when it produced none. */
  result: JsonValue;
  /** Every value the query produced, in order. */
  resultList: JsonValue[];
}

export interface JqTransformer {
  /**
   * Runs the task's `queryExpression` over its `inputParameters`. Rejects with a `ScriptError`
   * (`language: 'jq'`) when the query does not compile, fails or is stopped.
   * @example
   * await jq.transform({ taskReferenceName: 'merge', inputParameters: { key1: { value1: ['a'] }, key2: { value2: ['b'] }, queryExpression: '.key1.value1 + .key2.value2' } });
   * // → { result: ['a', 'b'], resultList: [['a', 'b']] }
   */
  transform(request: JqTransformRequest): Promise<JqTransformOutput>;
  /** Stops jq's thread; transforms still queued are refused. */
  close(): Promise<void>;
}

/** @internal The messages between `jq.ts` and `jq-thread.ts`. */
export interface JqJob {
  query: string;
  inputJson: string;
}

/** @internal */
export type JqReply =
  | { ok: true; stdout: string; stderr: string; exitCode: number; retire?: boolean }
  | { ok: false; kind: ScriptFailureKind; detail: string; retire?: boolean };

// jq's exit codes: 3 when the query does not compile, 5 when it fails while running.
const COMPILE_ERROR = 3;
const COMPILE_POSITION = /line (\d+), column (\d+)/;
const RUNTIME_PREFIX = /^jq: error \(at [^)]*\)(?: \(not a string\))?: /;

/**
 * Runs JSON_JQ_TRANSFORM queries. Its thread starts with the first query (≈0.2 s) and does not
 * keep the process alive while idle.
 * @example
 * const jq = createJqTransformer({ timeoutMs: 500 });
 * const { result } = await jq.transform({ taskReferenceName: 't', inputParameters: { n: 2, queryExpression: '.n * 10' } }); // 20
 * await jq.close();
 */
export function createJqTransformer(options: JqTransformOptions = {}): JqTransformer {
  const timeoutMs = options.timeoutMs ?? 1000;
  const memoryLimitBytes = options.memoryLimitBytes ?? 128 * 1024 * 1024;
  for (const [name, value] of Object.entries({ timeoutMs, memoryLimitBytes })) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`createJqTransformer: ${name} must be a positive number, got ${String(value)}`);
    }
  }
  const worker = new IsolatedWorker<JqJob, JqReply>({
    entry: 'jq-thread',
    description: 'the jq transform',
    workerData: { memoryLimitBytes },
  });
  return {
    async transform({ inputParameters, taskReferenceName }) {
      const query = inputParameters.queryExpression;
      if (typeof query !== 'string' || query.trim() === '') {
        throw jqError(taskReferenceName, 'invalid', {
          problem: `its queryExpression is ${query === undefined ? 'missing' : JSON.stringify(query)}, not a jq query`,
          fix: "give the task's inputParameters a queryExpression",
        });
      }
      const described = `the query ${describeScript(query)}`;
      const outcome = await worker.run({ query, inputJson: inputJson(inputParameters, taskReferenceName) }, timeoutMs);
      if (outcome.type === 'timeout') {
        throw jqError(taskReferenceName, 'timeout', {
          problem: `${described} did not finish within ${timeoutMs} ms and was stopped`,
          fix: 'make it finish (a `repeat`, `recurse` or `until` without end?), or raise timeoutMs',
        });
      }
      if (outcome.type === 'crashed') {
        throw jqError(taskReferenceName, 'unavailable', {
          problem: `jq's thread stopped before it answered (${outcome.detail})`,
          fix: 'retry; a new thread starts with the next query',
        });
      }
      const reply = outcome.reply;
      if (!reply.ok && reply.kind === 'memory') {
        throw jqError(taskReferenceName, 'memory', {
          problem: `${described} ran out of memory (limit ${sizeText(memoryLimitBytes)}) and was stopped`,
          fix: 'build smaller values (a list that grows without end?), or raise memoryLimitBytes',
        });
      }
      if (!reply.ok) {
        throw jqError(taskReferenceName, reply.kind, {
          problem: `jq broke down running ${described} (${reply.detail})`,
          fix: 'retry; a new jq starts with the next query',
        });
      }
      if (reply.exitCode !== 0) throw queryFailed(taskReferenceName, described, reply.exitCode, reply.stderr);
      const resultList: JsonValue[] =
        reply.stdout === '' ? [] : reply.stdout.split('\n').map((line) => JSON.parse(line));
      return { result: resultList[0] ?? null, resultList };
    },
    close: () => worker.close(),
  };
}

function inputJson(inputParameters: JsonObject, taskReferenceName: string): string {
  try {
    return JSON.stringify(inputParameters);
  } catch (error) {
    throw new SerializationError(`task '${taskReferenceName}': the jq input cannot be carried as JSON`, {
      cause: error,
    });
  }
}

/** A query jq refused (exit 3) or that failed while running (exit 5: `error(…)`, a type error). */
function queryFailed(taskReferenceName: string, described: string, exitCode: number, stderr: string): ScriptError {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  if (exitCode === COMPILE_ERROR) {
    const position = COMPILE_POSITION.exec(stderr);
    const first = (lines[0] ?? 'a compile error').replace(/^jq: error: /, '');
    return jqError(taskReferenceName, 'syntax', {
      problem: `${described} does not compile: ${first.replace(/:$/, '')}`,
      fix: 'fix the query (the jq manual: https://jqlang.org/manual/)',
      line: position ? Number(position[1]) : undefined,
      column: position ? Number(position[2]) : undefined,
    });
  }
  const message = (lines[0] ?? `jq exited with ${exitCode}`).replace(RUNTIME_PREFIX, '');
  return jqError(taskReferenceName, 'thrown', {
    problem: `${described} failed: ${message}`,
    fix: 'fix the query, or the input it reads',
  });
}

function jqError(
  taskReferenceName: string,
  kind: ScriptFailureKind,
  found: { problem: string; fix: string; line?: number; column?: number },
): ScriptError {
  return new ScriptError({ kind, taskReferenceName, language: 'jq', ...found });
}
