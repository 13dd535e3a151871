/**
 * One call of an activity's execute or compensate: the context it gets, its time limit, and the
 * check of what execute returned. A result the slip cannot carry (variables JSON cannot hold, a
 * revision naming an unknown activity) is the activity's bug: it faults the slip at once, rather
 * than being retried into the same answer.
 */
import { type ActivityTimeoutError, ConfigError } from '../core/errors.js';
import type { CompensateContext, ExecuteContext, ExecuteResult } from './activity.js';
import { checkCataloged } from './catalog.js';
import type { ActivitySpec, JsonValues } from './slip.js';
import { checkActivityName, jsonObject } from './slip.js';

type CallBase = Omit<CompensateContext, 'signal'>;

export function compensateContext(base: CallBase, signal: AbortSignal): CompensateContext {
  return { ...base, signal };
}

export function executeContext(
  base: CallBase,
  signal: AbortSignal,
  itinerary: readonly ActivitySpec[],
): ExecuteContext {
  return {
    ...base,
    signal,
    itinerary,
    completed: (options = {}) => ({ kind: 'completed', ...options }),
    revise: (revision, options = {}) => ({
      kind: 'revised',
      itinerary: typeof revision === 'function' ? revision(itinerary) : revision,
      ...options,
    }),
    terminate: (options = {}) => ({ kind: 'terminated', ...options }),
  };
}

/**
 * Calls `run` with a signal aborted after `timeoutMs` or when `outer` aborts (the host stops, or
 * the bus gave up on the delivery); rejects with ActivityTimeoutError or the outer reason then,
 * even if `run` ignores its signal.
 */
export async function withTimeout<T>(
  run: (signal: AbortSignal) => Promise<T> | T,
  timeoutMs: number,
  outer: AbortSignal,
  timeoutError: () => ActivityTimeoutError,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const abort = (reason: unknown) => {
      controller.abort(reason);
      reject(reason);
    };
    timer = setTimeout(() => abort(timeoutError()), timeoutMs);
    onAbort = () => abort(outer.reason);
    if (outer.aborted) onAbort();
    else outer.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([Promise.resolve().then(() => run(controller.signal)), stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort) outer.removeEventListener('abort', onAbort);
  }
}

/** What execute returned, checked and made plain JSON; throws ConfigError, SerializationError or UnknownActivityError. */
export function checkResult(
  returned: unknown,
  activity: string,
  catalog: ReadonlySet<string> | undefined,
): ExecuteResult {
  if (returned === undefined) return { kind: 'completed' };
  const where = `activity '${activity}'`;
  const result = returned as {
    kind?: unknown;
    variables?: unknown;
    compensation?: unknown;
    itinerary?: unknown;
    reason?: unknown;
  };
  const variables =
    result.variables === undefined ? undefined : jsonObject(result.variables, `${where}: the variables it set`);
  if (result.kind === 'terminated') {
    const reason = result.reason;
    if (reason !== undefined && typeof reason !== 'string') {
      throw new ConfigError(`${where}: the reason of ctx.terminate() must be a string`);
    }
    return { kind: 'terminated', ...(variables && { variables }), ...(reason !== undefined && { reason }) };
  }
  if (result.kind !== 'completed' && result.kind !== 'revised') {
    throw new ConfigError(
      `${where}: execute returned ${JSON.stringify(returned) ?? String(returned)}; return ctx.completed(), ` +
        'ctx.revise(…), ctx.terminate(), or nothing (completed)',
    );
  }
  const compensation =
    result.compensation === undefined ? undefined : jsonObject(result.compensation, `${where}: its compensation data`);
  const options = { ...(variables && { variables }), ...(compensation && { compensation }) };
  if (result.kind === 'completed') return { kind: 'completed', ...options };
  return { kind: 'revised', itinerary: checkItinerary(result.itinerary, `${where}: ctx.revise`, catalog), ...options };
}

/** An itinerary (of the builder or a revision) as plain JSON, each name checked. */
export function checkItinerary(
  itinerary: unknown,
  where: string,
  catalog: ReadonlySet<string> | undefined,
): ActivitySpec[] {
  if (!Array.isArray(itinerary)) {
    throw new ConfigError(`${where}: the itinerary must be an array of activity('name', { …arguments })`);
  }
  return itinerary.map((spec: Partial<ActivitySpec> | undefined, i) => {
    checkActivityName(spec?.name, `${where}: itinerary[${i}].name`);
    checkCataloged(spec.name, catalog);
    const args: JsonValues = jsonObject(spec.arguments ?? {}, `${where}: the arguments of '${spec.name}'`);
    return { name: spec.name, arguments: args };
  });
}
