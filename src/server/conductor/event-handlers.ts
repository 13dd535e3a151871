/**
 * Conductor's event handlers on the Tutti bus: a handler names an event (`conductor:<name>`,
 * `conductor:<workflow>:<task>` or `tutti:<type>`, the types the EVENT task publishes) and the
 * actions to take for each event of it whose `condition` holds: `start_workflow` (a registered
 * definition, its input evaluated against the event's payload: `${orderId}`), `complete_task` and
 * `fail_task` (the WAIT task `taskRefName` of run `workflowId` takes the signal, or fails).
 *
 * Each active handler is a durable subscription of the namespace's bus, named after it, so events
 * published while the server was down are handled after it starts, each once per handler (the
 * actions start runs with ids derived from the event's id, which makes a redelivery harmless).
 */

import type { BusSubscription, Delivery } from '../../bus/bus.js';
import { evaluateParametersAgainst } from '../../conductor/expressions.js';
import type { JsonObject } from '../../conductor/model.js';
import type { SystemTasks } from '../../conductor/run/system-tasks.js';
import type { TaskWorkers } from '../../conductor/run/workers.js';
import { ConfigError, NonRetryableError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Tutti } from '../../engine/tutti.js';
import type { DefinitionStore } from '../../store/definitions.js';
import type { DefinitionsRuntime } from '../definitions-runtime.js';

export interface EventHandlerAction {
  action: 'start_workflow' | 'complete_task' | 'fail_task';
  start_workflow?: { name: string; version?: number; input?: JsonObject; correlationId?: string };
  complete_task?: { workflowId: string; taskRefName: string; output?: JsonObject };
  fail_task?: { workflowId: string; taskRefName: string; output?: JsonObject };
}

export interface EventHandler {
  name: string;
  event: string;
  condition?: string;
  evaluatorType?: string;
  actions: EventHandlerAction[];
  active?: boolean;
}

const ACTIONS = ['start_workflow', 'complete_task', 'fail_task'];
const TYPE = /^[A-Za-z0-9._-]+$/;

/** The bus event type of a handler's `event`. */
export function handlerEventType(event: unknown): string {
  const text = typeof event === 'string' ? event : '';
  const [prefix, ...rest] = text.split(':');
  const type =
    prefix === 'tutti'
      ? rest.join(':')
      : prefix === 'conductor' && rest.length > 0
        ? `conductor.${rest.join('.')}`
        : '';
  if (!TYPE.test(type)) {
    throw new ConfigError(
      `event: ${JSON.stringify(event)} is not an event Tutti's bus carries; use 'conductor:<name>', 'conductor:<workflow>:<task>' or 'tutti:<event type>'`,
    );
  }
  return type;
}

/** Checks a handler as Conductor's API receives it; throws a ConfigError naming the field. */
export function checkEventHandler(value: unknown): EventHandler {
  const handler = value as EventHandler;
  if (typeof handler?.name !== 'string' || !/^[A-Za-z0-9_-]+$/.test(handler.name)) {
    throw new ConfigError('name: give the handler a name of letters, digits, _ and -');
  }
  handlerEventType(handler.event);
  if (!Array.isArray(handler.actions) || handler.actions.length === 0) {
    throw new ConfigError('actions: give at least one action (start_workflow, complete_task or fail_task)');
  }
  for (const [i, action] of handler.actions.entries()) {
    if (!ACTIONS.includes(action?.action)) {
      throw new ConfigError(
        `actions[${i}].action: ${JSON.stringify(action?.action)} is not one of ${ACTIONS.join(', ')}`,
      );
    }
    const body = action[action.action];
    if (typeof body !== 'object' || body === null) {
      throw new ConfigError(`actions[${i}].${action.action}: missing; give the action's parameters there`);
    }
  }
  if (handler.condition !== undefined && typeof handler.condition !== 'string') {
    throw new ConfigError('condition: give a JavaScript expression over the payload `$`, e.g. "$.total > 100"');
  }
  return handler;
}

/** The handlers of one namespace: kept in its store, each running as a subscription of its bus. */
export class EventHandlers {
  private readonly running = new Map<string, BusSubscription>();

  constructor(
    private readonly store: DefinitionStore,
    private readonly tutti: Tutti,
    private readonly definitions: DefinitionsRuntime,
    private readonly workers: TaskWorkers,
    private readonly logger: Logger,
  ) {}

  /** Subscribes every active handler (at start). */
  async start(): Promise<void> {
    for (const handler of await this.list()) if (handler.active !== false) await this.subscribe(handler);
  }

  async list(): Promise<EventHandler[]> {
    const records = await this.store.listDefinitions('event-handler');
    return records.map((record) => JSON.parse(record.body) as EventHandler);
  }

  /** Adds or replaces a handler (`replace`: Conductor's PUT) and (re)subscribes it. */
  async put(value: unknown, replace: boolean): Promise<'created' | 'unchanged' | 'replaced' | 'conflict'> {
    const handler = checkEventHandler(value);
    const { outcome } = await this.store.putDefinition(
      {
        kind: 'event-handler',
        name: handler.name,
        version: 1,
        body: JSON.stringify(handler),
        registeredAt: Date.now(),
      },
      { replace },
    );
    if (outcome === 'created' || outcome === 'replaced') {
      await this.running.get(handler.name)?.stop();
      this.running.delete(handler.name);
      if (handler.active !== false) await this.subscribe(handler);
    }
    return outcome;
  }

  /** Stops a handler for good (kept, inactive: Tutti's store does not delete definitions). */
  async remove(name: string): Promise<boolean> {
    const record = await this.store.getDefinition('event-handler', name);
    if (!record) return false;
    await this.put({ ...(JSON.parse(record.body) as EventHandler), active: false }, true);
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.running.values()].map((s) => s.stop()));
    this.running.clear();
  }

  private async subscribe(handler: EventHandler): Promise<void> {
    const subscription = await this.tutti.bus.subscribe({
      name: `conductor.event-handler.${handler.name}`,
      types: [handlerEventType(handler.event)],
      handler: (delivery) => this.handle(handler, delivery),
    });
    this.running.set(handler.name, subscription);
  }

  private async handle(handler: EventHandler, delivery: Delivery): Promise<void> {
    const payload = (delivery.event.data ?? {}) as JsonObject;
    if (handler.condition && !(await this.holds(handler, payload))) return;
    for (const [i, action] of handler.actions.entries()) {
      const params = evaluateParametersAgainst(payload, action[action.action] as Record<string, unknown>) as never;
      if (action.action === 'start_workflow') {
        const { name, version, input } = params as NonNullable<EventHandlerAction['start_workflow']>;
        const workflow = await this.definitions.workflow(name, version);
        // The id comes from the event: a redelivered event finds the run it started.
        await this.tutti.start(workflow, input ?? {}, { id: `${delivery.event.id}.${handler.name}.${i}` });
      } else {
        const { workflowId, taskRefName, output } = params as NonNullable<EventHandlerAction['complete_task']>;
        const data =
          action.action === 'complete_task' ? (output ?? {}) : { $failed: output ?? { reason: 'fail_task' } };
        // The id comes from the event too: a redelivered event does not signal the task again.
        await this.tutti.signal(workflowId, taskRefName, data, { id: `${delivery.event.id}.${handler.name}.${i}` });
      }
    }
    this.logger.debug('event handled', { handler: handler.name, event: delivery.event.id });
  }

  /** The handler's condition, in the script sandbox of the system tasks (as a SWITCH's expression). */
  private async holds(handler: EventHandler, payload: JsonObject): Promise<boolean> {
    const system: SystemTasks = this.workers.system;
    const task = {
      name: handler.name,
      taskReferenceName: handler.name,
      type: 'SWITCH',
      evaluatorType: handler.evaluatorType ?? 'javascript',
      expression: handler.condition,
    };
    try {
      const result = await system.service.switchCase.fn({ task, input: payload } as never, undefined as never);
      return result === 'true';
    } catch (error) {
      throw new NonRetryableError(`event handler '${handler.name}': its condition failed: ${(error as Error).message}`);
    }
  }
}
