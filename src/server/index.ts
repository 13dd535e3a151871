/**
 * `tutti/server`: the HTTP server (native API, Conductor-compatible API, remote workers) as a
 * library, for a process that hosts it itself; `tutti server` is this from the command line.
 */
export { type ServerOptions, startServer, type TuttiServer } from './server.js';
export { type CreatedToken, createToken } from './tokens.js';
