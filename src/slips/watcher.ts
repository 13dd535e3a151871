/**
 * Watching slips: one durable subscription to the follow events (`tutti.slip.*`) that keeps, per
 * slip, what it saw and resolves those waiting for an outcome. For examples, tests and services
 * that want to await a slip; a workflow awaits one with `ctx.waitForEvent(SlipCompleted, { key })`.
 *
 * What it remembers is in memory and bounded (`remember` slips, oldest dropped). Its subscription
 * is durable: a watcher started again under the same name carries on after the events it had
 * acknowledged, so an outcome seen by an earlier process is not seen again (use a new name, or
 * `bus.replay(name, { position: 0 })`, to read the history again).
 */
import type { BusSubscription } from '../bus/bus.js';
import type { CloudEvent } from '../bus/cloud-event.js';
import { type Duration, toMs } from '../core/duration.js';
import { ConfigError, SlipTimeoutError } from '../core/errors.js';
import { type BusLike, busOf } from './envelope.js';
import { SLIP_PREFIX } from './slip.js';
import {
  OUTCOME_EVENTS,
  PROGRESS_EVENTS,
  type SlipCompensationFailedData,
  type SlipCompletedData,
  type SlipEventKind,
  type SlipFaultedData,
  type SlipTerminatedData,
} from './slip-events.js';

export type SlipOutcome =
  | ({ status: 'completed' } & SlipCompletedData)
  | ({ status: 'faulted' } & SlipFaultedData)
  | ({ status: 'terminated' } & SlipTerminatedData)
  | ({ status: 'compensation-failed' } & SlipCompensationFailedData);

/** A follow event as the watcher keeps it. */
export interface SlipEventSeen {
  kind: SlipEventKind;
  id: string;
  time: string;
  causationId: string | undefined;
  data: Record<string, unknown>;
}

export interface SlipWatcherOptions {
  /** The durable subscription's name; one per watching process. @default 'tutti.slip-watcher' */
  name?: string;
  /** Where a new subscription starts. @default 'beginning' */
  from?: 'beginning' | 'end';
  /** Slips remembered at most (the oldest are dropped). @default 10000 */
  remember?: number;
}

export interface SlipWatcher {
  /**
   * The slip's outcome: resolves when it completes, faults (after compensation), terminates or
   * a compensation fails; rejects with SlipTimeoutError (saying what was last seen) after `timeout`.
   */
  outcome(trackingId: string, options?: { timeout?: Duration }): Promise<SlipOutcome>;
  /** The follow events seen for a slip so far, in order. */
  events(trackingId: string): readonly SlipEventSeen[];
  /** Resolves when every event published so far has reached the watcher. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface Watched {
  events: SlipEventSeen[];
  outcome?: SlipOutcome;
  waiting: ((outcome: SlipOutcome) => void)[];
}

const OUTCOMES: ReadonlySet<string> = new Set(OUTCOME_EVENTS.map((contract) => contract.type));

/**
 * Starts watching slips.
 * @example
 * const watcher = await watchSlips(tutti, { name: 'media.watcher' });
 * const outcome = await watcher.outcome(trackingId, { timeout: '10s' });
 */
export async function watchSlips(target: BusLike, options: SlipWatcherOptions = {}): Promise<SlipWatcher> {
  const remember = options.remember ?? 10_000;
  if (!Number.isInteger(remember) || remember < 1) throw new ConfigError('watchSlips: `remember` must be >= 1');
  const slips = new Map<string, Watched>();
  const watched = (trackingId: string): Watched => {
    let slip = slips.get(trackingId);
    if (!slip) {
      slip = { events: [], waiting: [] };
      slips.set(trackingId, slip);
      // Maps iterate in insertion order: the first slip nobody waits for is the oldest to drop.
      if (slips.size > remember) {
        for (const [id, old] of slips) {
          if (old.waiting.length > 0) continue;
          slips.delete(id);
          break;
        }
      }
    }
    return slip;
  };
  const seen = (event: CloudEvent) => {
    if (event.subject === undefined || event.data === undefined) return;
    const slip = watched(event.subject);
    const data = event.data as Record<string, unknown>;
    const kind = event.type.slice(SLIP_PREFIX.length) as SlipEventKind;
    slip.events.push({ kind, id: event.id, time: event.time, causationId: event.causationid, data });
    if (!OUTCOMES.has(event.type) || slip.outcome) return;
    slip.outcome = { status: kind, ...data } as SlipOutcome;
    for (const resolve of slip.waiting.splice(0)) resolve(slip.outcome);
  };
  const subscription: BusSubscription = await busOf(target).subscribe({
    name: options.name ?? 'tutti.slip-watcher',
    types: [...OUTCOME_EVENTS, ...PROGRESS_EVENTS].map((contract) => contract.type),
    from: options.from ?? 'beginning',
    handler: ({ event }) => seen(event),
  });

  return {
    outcome(trackingId, { timeout = '30s' } = {}) {
      const timeoutMs = toMs(timeout, 'watcher.outcome: `timeout`');
      const slip = watched(trackingId);
      if (slip.outcome) return Promise.resolve(slip.outcome);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          slip.waiting.splice(slip.waiting.indexOf(settle), 1);
          reject(new SlipTimeoutError(trackingId, timeoutMs, lastSeen(slip.events)));
        }, timeoutMs);
        const settle = (outcome: SlipOutcome) => {
          clearTimeout(timer);
          resolve(outcome);
        };
        slip.waiting.push(settle);
      });
    },
    events: (trackingId) => [...(slips.get(trackingId)?.events ?? [])],
    idle: () => subscription.idle(),
    stop: () => subscription.stop(),
  };
}

function lastSeen(events: readonly SlipEventSeen[]): string {
  const last = events.at(-1);
  if (!last) return 'no event of it was seen: no host has run its first activity yet';
  const activity = typeof last.data.activity === 'string' ? ` '${last.data.activity}'` : '';
  const next = typeof last.data.next === 'string' ? `, sent on to '${last.data.next}'` : '';
  return `last seen: ${last.kind}${activity} at ${last.time}${next}`;
}
