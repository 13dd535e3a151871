/**
 * The sandbox Conductor's `javascript` scripts run in (INLINE, SWITCH, DO_WHILE's `loopCondition`):
 * QuickJS compiled to WebAssembly, on a worker thread of its own (`javascript-thread.ts`). Not
 * `node:vm`, whose contexts share the host's heap and leak it through any object handed in.
 *
 * - What a script can reach: the ECMAScript built-ins QuickJS has (Math, JSON, Date, RegExp, Map,
 *   Promise…) and `$`, a copy of its input made from JSON inside QuickJS. No `require`, `import`,
 *   `process`, `console`, `fetch`, timers, file system or network, and no function of the host's.
 *   Its result comes back as JSON.
 * - Limits: time (QuickJS's interrupt handler, which the script cannot catch; and, should a run of
 *   slow built-in calls keep QuickJS from polling it, the thread is terminated a grace period
 *   later), memory (QuickJS's allocator) and stack. A script stopped by one fails with a
 *   `ScriptError`; the sandbox, the engine and every other script carry on.
 * - Isolation: a fresh QuickJS runtime and context per evaluation; scripts run one at a time.
 * - Why asynchronous: only another thread can be stopped at a hard time limit, and it keeps a
 *   runaway script from holding the engine's event loop while it runs.
 */
import { ConfigError, ScriptError, type ScriptFailureKind, SerializationError } from '../../core/errors.js';
import type { JsonObject, JsonValue } from '../model.js';
import { IsolatedWorker } from './isolated-worker.js';
import type { JavascriptJob, JavascriptReply, ScriptStage, Thrown } from './javascript-protocol.js';
import { describeScript, sizeText } from './script-text.js';

export interface ScriptSandboxOptions {
  /**
   * How long one evaluation may run, in milliseconds. (Conductor's default is 4 s,
   * `CONDUCTOR_SCRIPT_MAX_EXECUTION_SECONDS`.)
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * The most memory an evaluation may take inside QuickJS beyond QuickJS's own (its input and
   * result included), in bytes. Memory taken is kept for later evaluations, so this bounds the
   * busiest one.
   * @default 33554432 (32 MiB)
   */
  memoryLimitBytes?: number;
  /**
   * QuickJS's stack, in bytes: about 1,500 nested calls at the default.
   * @default 262144 (256 KiB)
   */
  maxStackBytes?: number;
}

/** Conductor's evaluator types: `javascript` and its alias `graaljs` run the expression; `value-param` reads `$[expression]`. */
export type ScriptEvaluatorType = 'javascript' | 'graaljs' | 'value-param';

export interface ScriptRequest {
  /** The task's `evaluatorType` as written; anything but a {@link ScriptEvaluatorType} is refused. */
  evaluatorType: unknown;
  /** The script, or for `value-param` the key of `$` to read. */
  expression: unknown;
  /** What the script sees as `$`. */
  input: JsonObject;
  /** Named in errors. */
  taskReferenceName: string;
}

export interface ScriptSandbox {
  /**
   * Evaluates one script; its completion value (the value of its last statement) comes back as
   * JSON.stringify would write it: `undefined`, `NaN` and functions become null, dates ISO strings.
   * Rejects with a `ScriptError` when the script cannot run, fails or is stopped.
   * @example
   * await sandbox.evaluate({ evaluatorType: 'javascript', expression: '$.value * 2', input: { value: 21 }, taskReferenceName: 'double' }); // → 42
   */
  evaluate(request: ScriptRequest): Promise<JsonValue>;
  /** Stops the sandbox's thread; evaluations still queued are refused. */
  close(): Promise<void>;
}

interface ResolvedSandboxOptions {
  timeoutMs: number;
  memoryLimitBytes: number;
  maxStackBytes: number;
}

/** How long past the time limit a script that QuickJS has not stopped runs before its thread is terminated. */
const HARD_STOP_GRACE_MS = 100;

function resolveOptions(options: ScriptSandboxOptions): ResolvedSandboxOptions {
  const resolved = {
    timeoutMs: options.timeoutMs ?? 1000,
    memoryLimitBytes: options.memoryLimitBytes ?? 32 * 1024 * 1024,
    maxStackBytes: options.maxStackBytes ?? 256 * 1024,
  };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigError(`createScriptSandbox: ${name} must be a positive number, got ${String(value)}`);
    }
  }
  return resolved;
}

/**
 * A sandbox for Conductor's `javascript` evaluators. Its thread starts with the first evaluation
 * (starting it and loading QuickJS takes 0.1–0.2 s) and does not keep the process alive while idle.
 * @example
 * const sandbox = createScriptSandbox({ timeoutMs: 500 });
 * await sandbox.evaluate({ evaluatorType: 'javascript', expression: 'function e() { return $.x > 1 } e();', input: { x: 2 }, taskReferenceName: 'check' }); // → true
 * await sandbox.close();
 */
export function createScriptSandbox(options: ScriptSandboxOptions = {}): ScriptSandbox {
  const resolved = resolveOptions(options);
  const worker = new IsolatedWorker<JavascriptJob, JavascriptReply>({
    entry: 'javascript-thread',
    description: 'the script sandbox',
    workerData: { memoryLimitBytes: resolved.memoryLimitBytes },
    // A big stack for the thread, so that QuickJS's own stack limit is always met first.
    resourceLimits: { stackSizeMb: Math.max(4, (resolved.maxStackBytes * 4) / (1024 * 1024)) },
  });
  return {
    async evaluate(request) {
      const { taskReferenceName, expression } = request;
      if (typeof expression !== 'string' || expression.trim() === '') {
        throw invalid(taskReferenceName, `its expression is ${describeValue(expression)}, not a script`);
      }
      if (request.evaluatorType === 'value-param') return structuredClone(request.input[expression] ?? null);
      if (request.evaluatorType !== 'javascript' && request.evaluatorType !== 'graaljs') {
        throw invalid(
          taskReferenceName,
          `evaluatorType ${describeValue(request.evaluatorType)} is not one Tutti runs (use 'javascript', 'graaljs' or 'value-param')`,
        );
      }
      const json = inputJson(request);
      // Not even its text fits: refused here rather than copied to the thread to fail there.
      if (json.length > resolved.memoryLimitBytes) {
        throw failure(resolved, { kind: 'memory', stage: 'input', expression, taskReferenceName });
      }
      const job: JavascriptJob = {
        expression,
        inputJson: json,
        timeoutMs: resolved.timeoutMs,
        maxStackBytes: resolved.maxStackBytes,
      };
      const outcome = await worker.run(job, resolved.timeoutMs + HARD_STOP_GRACE_MS);
      if (outcome.type === 'reply') {
        const reply = outcome.reply;
        if (reply.ok) return reply.resultJson === null ? null : JSON.parse(reply.resultJson);
        throw failure(resolved, {
          kind: reply.kind,
          thrown: reply.thrown,
          stage: reply.stage,
          expression,
          taskReferenceName,
        });
      }
      if (outcome.type === 'timeout') {
        throw failure(resolved, { kind: 'timeout', stage: 'script', expression, taskReferenceName });
      }
      throw new ScriptError({
        kind: 'unavailable',
        taskReferenceName,
        language: 'javascript',
        problem: `the script sandbox's thread stopped before it answered (${outcome.detail})`,
        fix: 'retry; a new thread starts with the next evaluation',
      });
    },
    close: () => worker.close(),
  };
}

function inputJson(request: ScriptRequest): string {
  try {
    return JSON.stringify(request.input);
  } catch (error) {
    throw new SerializationError(`task '${request.taskReferenceName}': the script's input cannot be carried as JSON`, {
      cause: error,
    });
  }
}

interface Failure {
  kind: ScriptFailureKind;
  stage: ScriptStage;
  thrown?: Thrown;
  expression: string;
  taskReferenceName: string;
}

/** The ScriptError for a failed evaluation: what happened, where, and what to change. */
function failure(options: ResolvedSandboxOptions, found: Failure): ScriptError {
  const { kind, thrown, stage } = found;
  const script = `the script ${describeScript(found.expression)}`;
  const at = thrown?.line ? ` at line ${thrown.line}, column ${thrown.column}` : '';
  const during = stage === 'input' ? ' while reading its input' : stage === 'result' ? ' while writing its result' : '';
  const base = {
    kind,
    taskReferenceName: found.taskReferenceName,
    language: 'javascript' as const,
    line: thrown?.line,
    column: thrown?.column,
  };
  switch (kind) {
    case 'timeout':
      return new ScriptError({
        ...base,
        problem: `${script} did not finish within ${options.timeoutMs} ms${during} and was stopped`,
        fix: 'make it finish sooner (a loop that never ends?), or raise the sandbox’s timeoutMs',
      });
    case 'memory':
      return new ScriptError({
        ...base,
        problem: `${script} ran out of memory (limit ${sizeText(options.memoryLimitBytes)})${during} and was stopped`,
        fix:
          stage === 'input'
            ? 'give it a smaller input, or raise the sandbox’s memoryLimitBytes'
            : 'keep less data alive (an array that grows without end?), or raise the sandbox’s memoryLimitBytes',
      });
    case 'stack':
      return new ScriptError({
        ...base,
        problem: `${script} nested calls too deeply (stack limit ${sizeText(options.maxStackBytes)})${during}`,
        fix: 'recurse less (a function that calls itself without end?), or raise the sandbox’s maxStackBytes',
      });
    case 'syntax':
      return new ScriptError({
        ...base,
        problem: `${script} does not parse: ${thrown?.message ?? 'a syntax error'}${at}`,
        fix:
          thrown?.message === 'return not in a function'
            ? 'a script is evaluated as a whole, its value is the value of its last statement: wrap the code in a function and call it, `(function () { … })()`'
            : 'fix the script there',
      });
    case 'result':
      return new ScriptError({
        ...base,
        problem: `the result of ${script} cannot be carried as JSON: ${thrown?.text ?? 'unknown reason'}`,
        fix: 'return plain data: objects, arrays, strings, numbers, booleans or null',
      });
    case 'unavailable':
      return new ScriptError({
        ...base,
        problem: `${script} broke the sandbox down (${thrown?.text ?? 'unknown reason'})`,
        fix: 'retry; a new sandbox thread starts with the next evaluation',
      });
    default:
      return new ScriptError({
        ...base,
        problem: `${script} threw ${thrown?.text ?? 'an exception'}${at}${during}`,
        fix: stage === 'input' ? 'give it an input that JSON can carry' : 'fix the script, or the input it reads',
      });
  }
}

function invalid(taskReferenceName: string, problem: string): ScriptError {
  return new ScriptError({
    kind: 'invalid',
    taskReferenceName,
    language: 'javascript',
    problem,
    fix: 'give the task an evaluatorType and a non-empty expression',
  });
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}
