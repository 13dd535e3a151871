/**
 * Reading a Server-Sent Events response body: the framing is eventsource-parser's; this only feeds
 * it the decoded chunks, and gives up on a connection that has gone silent. A stream whose peer
 * vanished without closing it (a network partition, a suspended laptop) never ends by itself, so
 * the reader ends it after `idleMs` without a byte, when the caller expects bytes (keep-alives).
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface ReadEventsOptions {
  onEvent(event: EventSourceMessage): void;
  /** Give up when nothing arrived for this long while `expectsData()` holds. */
  idleMs: number;
  /** Whether the server should be sending now (keep-alives included). @default always */
  expectsData?: () => boolean;
}

/** Resolves when the server ends the stream; rejects when it fails or goes silent too long. */
export async function readEvents(body: ReadableStream<Uint8Array>, options: ReadEventsOptions): Promise<void> {
  const parser = createParser({ onEvent: options.onEvent });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let silent: Error | undefined;
  let timer: NodeJS.Timeout | undefined;
  const watch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (options.expectsData && !options.expectsData()) return watch();
      silent = new Error(`the task stream sent nothing for ${options.idleMs} ms; reconnecting`);
      void reader.cancel(silent).catch(() => {});
    }, options.idleMs);
  };
  try {
    for (;;) {
      watch();
      const { done, value } = await reader.read();
      if (silent) throw silent;
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
