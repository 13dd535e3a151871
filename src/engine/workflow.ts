import { ConfigError } from '../core/errors.js';
import type { WorkflowDefinition, WorkflowFunction, WorkflowOptions } from '../core/types.js';

/**
 * Defines a workflow: a deterministic function of its input that calls steps through `ctx`.
 * Everything that is not deterministic (I/O, time, randomness, ids) must come from `ctx`, so a
 * replay after a crash takes the same path.
 *
 * @example
 * const placeOrder = defineWorkflow('placeOrder', async (ctx, order: Order) => {
 *   const r = await ctx.step(inventory.reserve, order, { compensate: inventory.release });
 *   const p = await ctx.step(payment.charge, order, { retry: { maxAttempts: 5 }, timeout: '10s' });
 *   return { reservationId: r.reservationId, paymentId: p.paymentId };
 * });
 */
export function defineWorkflow<I, O>(
  name: string,
  fn: WorkflowFunction<I, O>,
  options: WorkflowOptions = {},
): WorkflowDefinition<I, O> {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigError('defineWorkflow: the name must be a non-empty string');
  }
  if (typeof fn !== 'function') {
    throw new ConfigError(`defineWorkflow('${name}'): the second argument must be the workflow function`);
  }
  const version = options.version ?? '1';
  if (typeof version !== 'string' || version === '') {
    throw new ConfigError(
      `defineWorkflow('${name}'): version must be a non-empty string (got ${JSON.stringify(version)})`,
    );
  }
  return Object.freeze({ name, version, fn });
}
