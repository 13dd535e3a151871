/**
 * Group commit: writes submitted during one event-loop turn are applied together in one batch
 * (one transaction, one fsync), and each submitter's promise settles when its batch has landed.
 *
 * The batch is cut with setImmediate, so every write queued by the promise continuations of the
 * current turn joins it; no timer adds latency. While an asynchronous batch is in flight, new
 * writes gather into the next one. Writes are applied in submission order, which keeps the
 * transitions of one run in order. A batch that throws is re-applied one write at a time, so
 * a single bad write fails alone.
 */
import { StoreClosedError } from '../core/errors.js';

type Apply<Op, R> = (ops: readonly Op[]) => R[] | Promise<R[]>;

interface Waiting<Op, R> {
  op: Op;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Op, R> {
  private queue: Waiting<Op, R>[] = [];
  private scheduled = false;
  private inFlight: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly apply: Apply<Op, R>) {}

  submit(op: Op): Promise<R> {
    if (this.closed) return Promise.reject(new StoreClosedError());
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** Applies everything queued so far; used before close and by tests. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight) {
      if (this.inFlight) await this.inFlight;
      else await this.flush();
    }
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    const batch = this.queue;
    if (batch.length === 0) return Promise.resolve();
    this.queue = [];
    let applied: R[] | Promise<R[]>;
    try {
      applied = this.apply(batch.map((w) => w.op));
    } catch (error) {
      this.settleOneByOne(batch, error);
      return Promise.resolve();
    }
    if (!(applied instanceof Promise)) {
      this.settle(batch, applied);
      return Promise.resolve();
    }
    const done = applied.then(
      (results) => this.settle(batch, results),
      (error) => this.settleOneByOneAsync(batch, error),
    );
    this.inFlight = done.finally(() => {
      this.inFlight = undefined;
      if (this.queue.length > 0) this.schedule();
    });
    return this.inFlight;
  }

  private settle(batch: Waiting<Op, R>[], results: R[]): void {
    for (let i = 0; i < batch.length; i++) (batch[i] as Waiting<Op, R>).resolve(results[i] as R);
  }

  private settleOneByOne(batch: Waiting<Op, R>[], error: unknown): void {
    if (batch.length === 1) {
      (batch[0] as Waiting<Op, R>).reject(error);
      return;
    }
    for (const waiting of batch) {
      try {
        const result = this.apply([waiting.op]) as R[];
        waiting.resolve(result[0] as R);
      } catch (single) {
        waiting.reject(single);
      }
    }
  }

  private async settleOneByOneAsync(batch: Waiting<Op, R>[], error: unknown): Promise<void> {
    if (batch.length === 1) {
      (batch[0] as Waiting<Op, R>).reject(error);
      return;
    }
    for (const waiting of batch) {
      try {
        const result = await this.apply([waiting.op]);
        waiting.resolve(result[0] as R);
      } catch (single) {
        waiting.reject(single);
      }
    }
  }
}

/** The writes a store applies in a batch. */
export type StoreWrite<NewRun, Transition> =
  | { type: 'create'; run: NewRun }
  | { type: 'commit'; transition: Transition };
