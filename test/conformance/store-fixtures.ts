/** Records for the store conformance suite: valid by default, overridable per case. */
import type { NewDefinition } from '../../src/store/definitions.js';
import type { NewEvent, ParkedDelivery } from '../../src/store/event-log.js';
import type { JournalEntry, NewRun, NewTask, TimerRecord } from '../../src/store/store.js';

export function newRun(id: string, overrides: Partial<NewRun> = {}): NewRun {
  return {
    id,
    workflow: 'order',
    version: '1',
    input: '{"orderId":"o-1"}',
    parentId: null,
    createdAt: 1_000,
    ...overrides,
  };
}

export function journalEntry(runId: string, position: number, overrides: Partial<JournalEntry> = {}): JournalEntry {
  return {
    runId,
    position,
    kind: 'step',
    name: 'payments.charge',
    ok: true,
    output: `{"position":${position}}`,
    attempts: 1,
    startedAt: 2_000 + position,
    finishedAt: 2_100 + position,
    ...overrides,
  };
}

export function timer(
  runId: string,
  position: number,
  fireAt: number,
  overrides: Partial<TimerRecord> = {},
): TimerRecord {
  return { runId, position, kind: 'sleep', fireAt, attempt: 0, ...overrides };
}

export function newTask(id: string, overrides: Partial<NewTask> = {}): NewTask {
  return {
    id,
    queue: 'payments',
    runId: 'run-1',
    position: 0,
    name: 'payments.charge',
    input: '{"amount":42}',
    attempt: 1,
    visibleAt: 0,
    ...overrides,
  };
}

export function newEvent(id: string, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id,
    type: 'order.placed',
    source: '/orders',
    subject: 'order-1',
    time: 5_000,
    data: `{"id":"${id}"}`,
    extensions: '{"correlationid":"c-1"}',
    ...overrides,
  };
}

export function parked(subscription: string, seq: number, overrides: Partial<ParkedDelivery> = {}): ParkedDelivery {
  return {
    subscription,
    seq,
    state: 'retrying',
    attempts: 1,
    nextAt: 9_000,
    error: '{"kind":"error","name":"Error","message":"boom"}',
    firstFailedAt: 8_000,
    lastFailedAt: 8_000,
    ...overrides,
  };
}

export function newDefinition(name: string, version: number, overrides: Partial<NewDefinition> = {}): NewDefinition {
  return {
    kind: 'workflow',
    name,
    version,
    body: `{"name":"${name}","version":${version},"tasks":[]}`,
    registeredAt: 7_000,
    ...overrides,
  };
}
