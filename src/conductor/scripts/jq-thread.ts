/**
 * The jq transform's thread: jq 1.8 compiled to WebAssembly (`jq-wasm`, whose .wasm ships in its
 * npm package). jq runs in its own memory: its file system is an empty in-memory one, its `$ENV`
 * a stand-in (`HOME=/home/web_user`…), not the host's.
 *
 * jq has no interrupt: the host terminates this thread at the time limit. Memory is capped here
 * (`wasm-memory.ts`); jq then reports "cannot allocate memory" and aborts, and the thread retires
 * (an aborted jq cannot run again).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadJq } from 'jq-wasm';
import { ConfigError } from '../../core/errors.js';
import type { JqJob, JqReply } from './jq.js';
import { capWasmMemory } from './wasm-memory.js';

const { memoryLimitBytes } = workerData as { memoryLimitBytes: number };
const memory = capWasmMemory(memoryLimitBytes);

const jq = await loadJq();

function run(job: JqJob): JqReply {
  try {
    // `--` ends jq's options: a query starting with '-' is a query, not a flag.
    const { stdout, stderr, exitCode } = jq.raw(job.inputJson, job.query, ['-c', '--']);
    return { ok: true, stdout, stderr, exitCode };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, kind: memory.takeRefusal() ? 'memory' : 'unavailable', detail, retire: true };
  }
}

const port = parentPort;
if (port === null) throw new ConfigError('jq-thread.ts runs as a worker thread of the jq transform');
port.on('message', (job: JqJob) => port.postMessage(run(job)));
port.postMessage({ ready: true });
