/**
 * Activities: the steps a routing slip carries out, each hosted by the service that owns it
 * (`hostActivities`). An activity executes with its arguments and says what happened — completed
 * (adding variables and the data its compensation will need), revised the itinerary ahead,
 * terminated the slip — or throws (a fault: the slip is compensated). An activity that can be
 * undone has a `compensate`, called with the data it logged when a later activity faults.
 */
import type { Duration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import type { RetryOptions } from '../core/retry-policy.js';
import { type ActivitySpec, checkActivityName, type JsonValues } from './slip.js';

interface ActivityCallContext {
  /** The slip's tracking id (also every slip event's correlation id and subject). */
  readonly trackingId: string;
  /** The execution's id (the execute event's id); compensation gets the same one. */
  readonly executionId: string;
  /** The activity's name. */
  readonly activity: string;
  /** This host's name, as the slip's logs record it. */
  readonly host: string;
  /** 1 for the first attempt, 2 for the first retry… */
  readonly attempt: number;
  /** The slip's variables (a copy: change them through the result). */
  readonly variables: JsonValues;
  /** Aborted when the attempt times out or the host stops. */
  readonly signal: AbortSignal;
}

/** What `execute` gets besides its arguments, and how it says what happened. */
export interface ExecuteContext extends ActivityCallContext {
  /** The activities after this one. */
  readonly itinerary: readonly ActivitySpec[];
  /** Completed: `variables` are merged into the slip's, `compensation` is what `compensate` will get. */
  completed(options?: CompleteOptions): ExecuteResult;
  /**
   * Completed, and the itinerary ahead replaced: `itinerary` is the new list of the activities
   * after this one, or a function of the current list (add, remove, reorder — "on the fly").
   * @example return ctx.revise((rest) => [activity('media.watermark', { text: 'PREVIEW' }), ...rest]);
   */
  revise(
    itinerary: readonly ActivitySpec[] | ((remaining: readonly ActivitySpec[]) => readonly ActivitySpec[]),
    options?: CompleteOptions,
  ): ExecuteResult;
  /** Ends the slip here, successfully, discarding the rest of the itinerary (nothing is compensated). */
  terminate(options?: { variables?: JsonValues; reason?: string }): ExecuteResult;
}

export type CompensateContext = ActivityCallContext;

export interface CompleteOptions {
  /** Variables to set on the slip (merged over the ones it has). */
  variables?: JsonValues;
  /** What `compensate` will get if a later activity faults. @default {} */
  compensation?: JsonValues;
}

export type ExecuteResult =
  | ({ kind: 'completed' } & CompleteOptions)
  | ({ kind: 'revised'; itinerary: readonly ActivitySpec[] } & CompleteOptions)
  | { kind: 'terminated'; variables?: JsonValues; reason?: string };

export interface ActivityHandlers<A extends JsonValues, C extends JsonValues> {
  /**
   * Runs the activity. Its arguments are the itinerary's, with the slip's variables filling the
   * names they lack (Courier's rule). Returning nothing completes it; throwing faults it (after
   * the retries of `retry`, at once for a NonRetryableError).
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: an execute that returns nothing (async or not) completes
  execute(args: A, ctx: ExecuteContext): Promise<ExecuteResult | undefined | void> | ExecuteResult | undefined | void;
  /** Undoes a completed execution with the data it logged; throwing retries it (see `compensateAttempts`). */
  compensate?(data: C, ctx: CompensateContext): Promise<void> | void;
}

export interface ActivityOptions {
  /** Backoff of both execute and compensate retries; `maxAttempts` counts execute's. @default { maxAttempts: 3 } */
  retry?: RetryOptions;
  /** Attempts of a compensation before it is dead-lettered and `compensation-failed` is published. @default 5 */
  compensateAttempts?: number;
  /** One call of execute or compensate fails (and is retried) after this. @default '30s' */
  timeout?: Duration;
  /** Slips this activity runs at once in one host (of different slips). @default 64 */
  concurrency?: number;
}

export interface ActivityDefinition<A extends JsonValues = any, C extends JsonValues = any> {
  readonly name: string;
  readonly execute: ActivityHandlers<A, C>['execute'];
  readonly compensate: ActivityHandlers<A, C>['compensate'];
  readonly options: ActivityOptions;
}

/**
 * Declares an activity. Its name is its address: slips reach it as `tutti.slip.execute.<name>`.
 *
 * @example
 * const encode = defineActivity('media.encode', {
 *   async execute(args: { fileLocation: string }, ctx) {
 *     const encoded = await encoder.encode(args.fileLocation);
 *     return ctx.completed({ variables: { encodedLocation: encoded }, compensation: { encoded } });
 *   },
 *   async compensate(log: { encoded: string }) { await storage.delete(log.encoded); },
 * });
 */
export function defineActivity<A extends JsonValues = JsonValues, C extends JsonValues = JsonValues>(
  name: string,
  handlers: ActivityHandlers<A, C>,
  options: ActivityOptions = {},
): ActivityDefinition<A, C> {
  checkActivityName(name, 'defineActivity');
  if (typeof handlers?.execute !== 'function') {
    throw new ConfigError(`defineActivity('${name}'): \`execute\` must be a function`);
  }
  if (handlers.compensate !== undefined && typeof handlers.compensate !== 'function') {
    throw new ConfigError(`defineActivity('${name}'): \`compensate\` must be a function when given`);
  }
  const attempts = options.compensateAttempts;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) {
    throw new ConfigError(`defineActivity('${name}'): \`compensateAttempts\` must be a whole number >= 1`);
  }
  return Object.freeze({ name, execute: handlers.execute, compensate: handlers.compensate, options: { ...options } });
}

/**
 * One activity of an itinerary, for `ctx.revise` and the builder.
 * @example activity('media.deploy', { cdn: 'eu' })
 */
export function activity(name: string, args: JsonValues = {}): ActivitySpec {
  checkActivityName(name, 'activity');
  return { name, arguments: args };
}
