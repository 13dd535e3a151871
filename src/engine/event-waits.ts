/**
 * Runs waiting for events (`ctx.waitForEvent`, `ctx.waitForSignal`). A wait reads the log from
 * the position it started after, for its type, and takes the first event it accepts; it is woken
 * when events of its type are published in this process, and polls for those published by
 * others. Reading the log (rather than catching deliveries) is what makes a wait durable: a
 * resumed wait reads again from the same position and finds what arrived while it was down.
 */
import type { EventLog, EventRecord } from '../store/event-log.js';
import type { Cancellation } from './cancellation.js';

export interface WaitRequest {
  type: string;
  /** Events with seq <= after do not count. */
  after: number;
  accept(record: EventRecord): boolean;
  /** Epoch ms when the wait gives up (resolves 'timeout'); Number.MAX_SAFE_INTEGER for never. */
  until: number;
  cancellation: Cancellation;
}

interface Waiter extends WaitRequest {
  settle(result: EventRecord | 'timeout'): void;
  reject(reason: unknown): void;
  reading: boolean;
  again: boolean;
}

const PAGE = 200;

export class EventWaits {
  private readonly waiters = new Set<Waiter>();
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly pollMs: number,
    private readonly clock: () => number,
  ) {}

  wait(request: WaitRequest): Promise<EventRecord | 'timeout'> {
    if (request.cancellation.aborted) return Promise.reject(request.cancellation.reason);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        request.cancellation.remove(onAbort);
        this.waiters.delete(waiter);
        if (this.waiters.size === 0) this.stopPolling();
      };
      const onAbort = (reason: unknown) => {
        done();
        reject(reason);
      };
      const waiter: Waiter = {
        ...request,
        reading: false,
        again: false,
        settle: (result) => {
          done();
          resolve(result);
        },
        reject: (reason) => {
          done();
          reject(reason);
        },
      };
      this.waiters.add(waiter);
      request.cancellation.add(onAbort);
      if (request.until < Number.MAX_SAFE_INTEGER) {
        const arm = () => {
          const remaining = request.until - this.clock();
          if (remaining <= 0) waiter.settle('timeout');
          else timer = setTimeout(arm, Math.min(remaining, 2_147_483_647));
        };
        arm();
      }
      this.startPolling();
      void this.check(waiter);
    });
  }

  /** Events of these types reached the log: the waits for them look now. */
  notify(types: Iterable<string>): void {
    const wanted = new Set(types);
    for (const waiter of this.waiters) if (wanted.has(waiter.type)) void this.check(waiter);
  }

  close(): void {
    this.stopPolling();
  }

  private async check(waiter: Waiter): Promise<void> {
    if (waiter.reading) {
      waiter.again = true;
      return;
    }
    waiter.reading = true;
    try {
      do {
        waiter.again = false;
        for (;;) {
          const page = await this.log.readEvents({ after: waiter.after, types: [waiter.type], limit: PAGE });
          if (!this.waiters.has(waiter)) return;
          for (const record of page) {
            waiter.after = record.seq;
            if (waiter.accept(record)) return waiter.settle(record);
          }
          if (page.length < PAGE) break;
        }
      } while (waiter.again);
    } catch (error) {
      waiter.reject(error);
    } finally {
      waiter.reading = false;
    }
  }

  private startPolling(): void {
    if (this.poll) return;
    this.poll = setInterval(() => {
      for (const waiter of this.waiters) void this.check(waiter);
    }, this.pollMs);
    this.poll.unref();
  }

  private stopPolling(): void {
    clearInterval(this.poll);
    this.poll = undefined;
  }
}
