/**
 * The worker process of W1 over HTTP (w1-http.ts): serves the `bench` service's three steps to
 * the server at argv[2] with the built `tutti/client`, over argv[3] ('stream' or 'poll').
 */
const client = (await import(
  new URL('../dist/client/index.js', import.meta.url).href
)) as typeof import('../src/client/index.js');

const [url, transport = 'stream', concurrency = '100'] = process.argv.slice(2) as [string, 'stream' | 'poll', string];
const worker = client.createWorker({ url, transport, workerId: `w1-${process.pid}` });
worker.serve(
  client.defineService('bench', {
    a: async (n: number) => n + 1,
    b: async (n: number) => n * 2,
    c: async (n: number) => ({ value: n }),
  }),
  { concurrency: Number(concurrency) },
);
await worker.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker.stop({ drainMs: 1_000 }).then(() => process.exit(0));
});
