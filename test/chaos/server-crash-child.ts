/** A `tutti server` on the SQLite file given, for server-crash.test.ts: prints its URL, then serves until killed. */
import { startServer } from '../../src/server/server.js';

const server = await startServer({ db: process.argv[2] as string, port: 0, auth: false });
process.stdout.write(`${server.url}\n`);
