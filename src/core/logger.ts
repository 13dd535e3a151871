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

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * One JSON line per message on stderr, at `level` and above: `{"time","level","message",…meta}`.
 * An Error in meta is written as its name and message (its stack only at debug).
 */
export function consoleLogger(level: (typeof LEVELS)[number] = 'info'): Logger {
  const from = LEVELS.indexOf(level);
  const line = (at: (typeof LEVELS)[number]) => (message: string, meta?: LogMeta) => {
    if (LEVELS.indexOf(at) < from) return;
    const fields: LogMeta = {};
    for (const [key, value] of Object.entries(meta ?? {})) {
      fields[key] =
        value instanceof Error
          ? { name: value.name, message: value.message, ...(from === 0 ? { stack: value.stack } : {}) }
          : value;
    }
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: at, message, ...fields })}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
