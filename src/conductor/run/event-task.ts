/**
 * Conductor's EVENT task on the Tutti bus: the task's input, with the workflow's identity added
 * as Conductor adds it, is published with `ctx.emit` (in the run's own transaction, exactly once).
 *
 * Sinks: `tutti:<type>` publishes events of that type; Conductor's own `conductor` (type
 * `conductor.<workflow>.<taskReferenceName>`) and `conductor:<queue>` (type `conductor.<queue>`)
 * are kept so that definitions written for Conductor's internal queue run unchanged. Sinks of
 * other brokers (`sqs:`, `kafka:`, `nats:`, `amqp:` …) are refused: Tutti publishes on its bus,
 * and the bus is where another broker is plugged in.
 */
import Type from 'typebox';
import { defineEvent, EVENT_TYPE, type EventContract } from '../../contracts/event-contract.js';
import type { JsonObject, WorkflowDef, WorkflowTask } from '../model.js';

/** The event type a sink publishes, or a sentence saying why the sink cannot be used. */
export function sinkEventType(def: WorkflowDef, task: WorkflowTask): { type: string } | { problem: string } {
  const sink = task.sink;
  if (typeof sink !== 'string' || sink.trim() === '') {
    return { problem: 'has no sink; write e.g. "sink": "tutti:order.shipped"' };
  }
  const [prefix, ...rest] = sink.split(':');
  const name = rest.join(':');
  const type =
    prefix === 'tutti'
      ? name
      : prefix === 'conductor'
        ? name === ''
          ? `conductor.${def.name}.${task.taskReferenceName}`
          : `conductor.${name}`
        : undefined;
  if (type === undefined) {
    return {
      problem: `sink '${sink}' is another broker's; Tutti publishes on its own bus: use 'tutti:<event type>' (or 'conductor' / 'conductor:<name>')`,
    };
  }
  if (!EVENT_TYPE.test(type)) {
    return { problem: `sink '${sink}' gives the event type '${type}', which must be letters, digits, '.', '-' or '_'` };
  }
  return { type };
}

const contracts = new Map<string, EventContract<JsonObject>>();

/** An open contract per type: an EVENT task's payload is whatever its input is. */
export function eventContract(type: string): EventContract<JsonObject> {
  let contract = contracts.get(type);
  if (!contract) {
    contract = defineEvent(type, Type.Record(Type.String(), Type.Unknown())) as EventContract<JsonObject>;
    contracts.set(type, contract);
  }
  return contract;
}

/** The payload Conductor's `Event` task publishes: the input plus the workflow's identity. */
export function eventPayload(input: JsonObject, workflow: { id: string; name: string; version: number }): JsonObject {
  return {
    ...input,
    workflowInstanceId: workflow.id,
    workflowType: workflow.name,
    workflowVersion: workflow.version,
    correlationId: null,
  };
}
