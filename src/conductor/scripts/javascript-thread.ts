/**
 * The script sandbox's thread: QuickJS compiled to WebAssembly (`quickjs-emscripten-core`, the
 * `release-sync` build whose .wasm ships in its npm package). Each job gets a fresh QuickJS runtime
 * and context, so nothing one script leaves behind (globals, changed prototypes, pending promise
 * jobs, garbage) reaches the next; only the WebAssembly module is kept. Memory is capped by
 * `wasm-memory.ts`, the time by QuickJS's interrupt handler (and the host's hard stop).
 *
 * The context holds the ECMAScript built-ins and `$`; no function of the host is put in it. The
 * input goes in as JSON text parsed by QuickJS, and the result comes out as JSON text made by the
 * context's own `JSON.stringify`, taken before the script runs so that a script cannot replace it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { newQuickJSWASMModuleFromVariant, type QuickJSContext, type QuickJSHandle } from 'quickjs-emscripten-core';
import { ConfigError, type ScriptFailureKind } from '../../core/errors.js';
import type { JavascriptJob, JavascriptReply, ScriptStage, Thrown } from './javascript-protocol.js';
import { capWasmMemory } from './wasm-memory.js';

// QuickJS's stack frames name the script by this file name: `at script:3:8` for a parse error,
// `at <eval> (script:1:16)` or `at f (script:2:3)` for a throw.
const SCRIPT_FILE = 'script';
const PARSE_FRAME = /^\s*at script:(\d+):(\d+)\s*$/;
const SCRIPT_POSITION = /\bscript:(\d+):(\d+)\)?\s*$/;

const memory = capWasmMemory((workerData as { memoryLimitBytes: number }).memoryLimitBytes);
const quickjs = await newQuickJSWASMModuleFromVariant(import('@jitl/quickjs-wasmfile-release-sync'));

// Where the job in hand is, for a failure of QuickJS itself (one job at a time per thread).
let currentStage: ScriptStage = 'input';

function run(job: JavascriptJob): JavascriptReply {
  const deadline = performance.now() + job.timeoutMs;
  memory.takeRefusal();
  currentStage = 'input';
  const runtime = quickjs.newRuntime();
  runtime.setMaxStackSize(job.maxStackBytes);
  runtime.setInterruptHandler(() => performance.now() > deadline);
  const context = runtime.newContext();
  const handles: QuickJSHandle[] = [];
  // Not disposed when QuickJS itself failed: disposing a broken runtime aborts. The thread retires.
  const reply = evaluate(context, job, deadline, (handle) => {
    handles.push(handle);
    return handle;
  });
  for (const handle of handles) if (handle.alive) handle.dispose();
  context.dispose();
  runtime.dispose();
  return reply;
}

function evaluate(
  context: QuickJSContext,
  job: JavascriptJob,
  deadline: number,
  keep: (handle: QuickJSHandle) => QuickJSHandle,
): JavascriptReply {
  const failed = (error: QuickJSHandle, stage: ScriptStage): JavascriptReply => {
    const read = readThrown(context, keep(error));
    return { ok: false, kind: classify(read, deadline, stage), stage, thrown: read.thrown };
  };
  const json = keep(context.getProp(context.global, 'JSON'));
  const parse = keep(context.getProp(json, 'parse'));
  const stringify = keep(context.getProp(json, 'stringify'));

  const input = context.callFunction(parse, context.undefined, keep(context.newString(job.inputJson)));
  if (input.error) return failed(input.error, 'input');
  context.setProp(context.global, '$', keep(input.value));

  currentStage = 'script';
  const completion = context.evalCode(job.expression, SCRIPT_FILE, { type: 'global' });
  if (completion.error) return failed(completion.error, 'script');
  currentStage = 'result';
  const text = context.callFunction(stringify, context.undefined, keep(completion.value));
  if (text.error) return failed(text.error, 'result');
  keep(text.value);
  // JSON.stringify gives undefined for undefined, functions and symbols.
  return { ok: true, resultJson: context.typeof(text.value) === 'string' ? context.getString(text.value) : null };
}

/** Which limit stopped a script, or how it failed by itself. */
function classify(
  read: { thrown: Thrown; parseError: boolean },
  deadline: number,
  stage: ScriptStage,
): ScriptFailureKind {
  // Out of memory, QuickJS throws an InternalError, or null when it cannot even make one.
  if (memory.takeRefusal()) return 'memory';
  const { name, message } = read.thrown;
  if (name === 'InternalError') {
    if (message === 'interrupted' && performance.now() > deadline) return 'timeout';
    // QuickJS's longest string is 2³⁰ characters: a string doubled without end meets it first.
    if (message === 'string too long' || message === 'out of memory') return 'memory';
    if (message === 'stack overflow') return 'stack';
  }
  if (read.parseError && stage === 'script') return 'syntax';
  return stage === 'result' ? 'result' : 'thrown';
}

/**
 * Reads a thrown value. Reading `message` may run the script's own getter: every read is
 * guarded (the time limit still holds), and what cannot be read is left out.
 */
function readThrown(context: QuickJSContext, error: QuickJSHandle): { thrown: Thrown; parseError: boolean } {
  const type = context.typeof(error);
  if ((type !== 'object' && type !== 'function') || context.sameValue(error, context.null)) {
    let text: string;
    try {
      const value: unknown = context.dump(error);
      text = typeof value === 'string' ? `'${value}'` : String(value);
    } catch {
      text = `a ${type}`;
    }
    return { thrown: { name: '', message: text, text, line: 0, column: 0 }, parseError: false };
  }
  const name = readString(context, error, 'name') ?? '';
  const message = readString(context, error, 'message') ?? '';
  const frames = (readString(context, error, 'stack') ?? '').split('\n').filter((frame) => frame.trim() !== '');
  const parse = PARSE_FRAME.exec(frames[0] ?? '');
  const position = parse ?? frames.map((frame) => SCRIPT_POSITION.exec(frame)).find((found) => found !== null);
  const text = name === '' && message === '' ? 'an object' : name === '' ? message : `${name}: ${message}`;
  const line = position ? Number(position[1]) : 0;
  const column = position ? Number(position[2]) : 0;
  return { thrown: { name, message, text, line, column }, parseError: name === 'SyntaxError' && parse !== null };
}

function readString(context: QuickJSContext, owner: QuickJSHandle, key: string): string | undefined {
  try {
    const handle = context.getProp(owner, key);
    try {
      return context.typeof(handle) === 'string' ? context.getString(handle) : undefined;
    } finally {
      handle.dispose();
    }
  } catch {
    return undefined;
  }
}

/**
 * QuickJS itself failed: WebAssembly memory ran out where QuickJS cannot report it (copying the
 * input in), the thread's stack overflowed under the WebAssembly frames, or QuickJS aborted. Its
 * memory may be inconsistent, so this thread retires and the next job gets a new one.
 */
function brokeDown(error: unknown): JavascriptReply {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const thrown = { name: '', message, text: message, line: 0, column: 0 };
  const kind = memory.takeRefusal() ? 'memory' : error instanceof RangeError ? 'stack' : 'unavailable';
  return { ok: false, kind, stage: currentStage, thrown, retire: true };
}

const port = parentPort;
if (port === null) throw new ConfigError('javascript-thread.ts runs as a worker thread of the script sandbox');
port.on('message', (job: JavascriptJob) => {
  let reply: JavascriptReply;
  try {
    reply = run(job);
  } catch (error) {
    reply = brokeDown(error);
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
