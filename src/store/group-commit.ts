/**
 * Group commit: writes submitted during one event-loop turn are applied together in one batch
 * (one transaction, one fsync), and each submitter's promise settles when its batch has landed.
 *
 * The batch is cut with setImmediate, so every write queued by the promise continuations of the
 * current turn joins it; no timer adds latency. Writes are applied in submission order, which
 * keeps the transitions of one run in order.
 *
 * Two kinds of apply:
 * - synchronous (the memory store, SQLite 'inline'): a batch that throws is re-applied one write
 *   at a time, so a single bad write fails alone.
 * - asynchronous (SQLite 'thread'): batches are handed over as they are cut, without waiting for
 *   the previous one, and `maxBatch` cuts a batch early so that the applier starts while this
 *   thread is still producing writes. The applier must apply batches in the order received and
 *   isolate failures itself: it returns a `Rejected` for each write that failed; a rejection of
 *   the whole batch fails every write in it.
 */
import { StoreClosedError } from '../core/errors.js';

/** In an apply's results: this write failed with `error`; the others of the batch stand. */
export class Rejected {
  constructor(readonly error: unknown) {}
}

type Apply<Op, R> = (ops: readonly Op[]) => (R | Rejected)[] | Promise<(R | Rejected)[]>;

export interface GroupCommitOptions<Op> {
  /**
   * Hand a batch over as soon as it weighs this much, rather than at the end of the turn
   * (asynchronous appliers only).
   * @default Infinity
   */
  maxBatch?: number;
  /** What one write weighs towards `maxBatch`. @default () => 1 */
  weight?: (op: Op) => number;
}

interface Waiting<Op, R> {
  op: Op;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Op, R> {
  private queue: Waiting<Op, R>[] = [];
  private queuedWeight = 0;
  private scheduled = false;
  /** The newest batch handed to an asynchronous applier; batches settle in order. */
  private lastInFlight: Promise<void> | undefined;
  private closed = false;
  private readonly maxBatch: number;
  private readonly weight: ((op: Op) => number) | undefined;

  constructor(
    private readonly apply: Apply<Op, R>,
    options: GroupCommitOptions<Op> = {},
  ) {
    this.maxBatch = options.maxBatch ?? Number.POSITIVE_INFINITY;
    this.weight = options.weight;
  }

  submit(op: Op): Promise<R> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.queuedWeight += this.weight ? this.weight(op) : 1;
      if (this.queuedWeight >= this.maxBatch) this.flush();
      else this.schedule();
    });
  }

  /** Applies everything queued so far and waits until it has landed; used before close and by tests. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.lastInFlight) {
      this.flush();
      await this.lastInFlight;
    }
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queuedWeight = 0;
    let applied: (R | Rejected)[] | Promise<(R | Rejected)[]>;
    try {
      applied = this.apply(batch.map((w) => w.op));
    } catch (error) {
      this.settleOneByOne(batch, error);
      return;
    }
    if (!(applied instanceof Promise)) {
      this.settle(batch, applied);
      return;
    }
    const landed = applied.then(
      (results) => this.settle(batch, results),
      (error) => {
        for (const waiting of batch) waiting.reject(error);
      },
    );
    this.lastInFlight = landed;
    void landed.then(() => {
      if (this.lastInFlight === landed) this.lastInFlight = undefined;
    });
  }

  private settle(batch: Waiting<Op, R>[], results: (R | Rejected)[]): void {
    for (let i = 0; i < batch.length; i++) {
      const waiting = batch[i] as Waiting<Op, R>;
      const result = results[i];
      if (result instanceof Rejected) waiting.reject(result.error);
      else waiting.resolve(result as R);
    }
  }

  private settleOneByOne(batch: Waiting<Op, R>[], error: unknown): void {
    if (batch.length === 1) {
      (batch[0] as Waiting<Op, R>).reject(error);
      return;
    }
    for (const waiting of batch) {
      try {
        const [result] = this.apply([waiting.op]) as (R | Rejected)[];
        if (result instanceof Rejected) waiting.reject(result.error);
        else waiting.resolve(result as R);
      } catch (single) {
        waiting.reject(single);
      }
    }
  }
}
