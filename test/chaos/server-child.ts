/** `tutti server` as a child process that the chaos tests SIGKILL (server-crash-child.ts), and calls to it. */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ServerChild {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

/** Starts a server on the SQLite file `db` and resolves with its URL once it listens. */
export async function serveChild(db: string): Promise<ServerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/chaos/server-crash-child.ts', db], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });
  return { child, url, exited };
}

/** A JSON call (a string body is sent as it is); the answer's status and text. */
export async function call(url: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}
