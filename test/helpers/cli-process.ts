/** `tutti server` / `tutti dev` as a child process, for the tests that run the CLI for real. */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ServingProcess {
  child: ChildProcess;
  /** Where it listens, from its "listening on …" line. */
  url: string;
  /** What it has printed so far. */
  stdout(): string;
}

/** Starts `tutti <args>` and resolves once it prints where it listens (rejects after 20 s). */
export async function startServing(args: readonly string[]): Promise<ServingProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${stdout}`)), 20_000);
    child.stdout.on('data', () => {
      const found = /listening on (http:\/\/\S+)/.exec(stdout);
      if (found) {
        clearTimeout(timer);
        resolve(found[1] as string);
      }
    });
  });
  return { child, url, stdout: () => stdout };
}

/** Runs `check` against `tutti <args>`, then stops the process (SIGTERM) and waits for it to exit. */
export async function serving(args: readonly string[], check: (url: string) => Promise<void>): Promise<void> {
  const { child, url } = await startServing(args);
  try {
    await check(url);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}
