/**
 * Signals: data sent to one running workflow (`tutti.signal(runId, name, data)`), taken by
 * `ctx.waitForSignal(name)`. A signal is an event of type `tutti.signal.<name>` whose subject is
 * the run id, so it is durable like any event and needs no table of its own. A run reads its
 * signals of one name from the start of the log, each once, in order: a signal sent before the
 * run waits for it is not lost.
 */
import type { CloudEvent } from '../bus/cloud-event.js';
import { newEventId } from '../bus/event-id.js';
import { EVENT_TYPE } from '../contracts/event-contract.js';
import { ConfigError } from '../core/errors.js';
import { encode } from '../core/serialize.js';

export function signalType(name: string): string {
  if (typeof name !== 'string' || !EVENT_TYPE.test(name)) {
    throw new ConfigError(
      `signal name: must be letters, digits, '.', '-' or '_', starting with a letter or digit (e.g. 'approve'); got ${JSON.stringify(name)}`,
    );
  }
  return `tutti.signal.${name}`;
}

/** The envelope of a signal to `runId`; `id` when the sender gives one (see SignalOptions). */
export function signalEvent(
  runId: string,
  name: string,
  data: unknown,
  source: string,
  now: number,
  id: string = newEventId(now),
): CloudEvent {
  const encoded = encode(data, `the data of signal '${name}'`);
  return {
    specversion: '1.0',
    id,
    source,
    type: signalType(name),
    subject: runId,
    time: new Date(now).toISOString(),
    datacontenttype: 'application/json',
    data: encoded.value,
    correlationid: runId,
  };
}

export interface SignalOptions {
  /**
   * The signal's id: a signal sent again with an id the log already has is not sent twice, so a
   * sender that may repeat itself (an at-least-once event handler) gives an id derived from what
   * it handles. @default a new id
   */
  id?: string;
}
