/**
 * Logging is injected and quiet by default: library code never writes to the console. Pass a
 * logger (pino and console both fit this shape) to see what the engine does; child loggers carry
 * the run and step they speak about.
 */
export type LogMeta = Record<string, unknown>;

export interface Logger {
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
}

const noop = (): void => {};

/** The default logger: says nothing. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/** A logger whose every line carries `meta` (e.g. `{ runId }`). */
export function childLogger(parent: Logger, meta: LogMeta): Logger {
  if (parent === silentLogger) return parent;
  return {
    debug: (m, x) => parent.debug(m, { ...meta, ...x }),
    info: (m, x) => parent.info(m, { ...meta, ...x }),
    warn: (m, x) => parent.warn(m, { ...meta, ...x }),
    error: (m, x) => parent.error(m, { ...meta, ...x }),
  };
}
