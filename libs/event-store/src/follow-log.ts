import type { EventEmitter } from 'node:events';
import type { HandledBatch, RecordedEvent, Subscription } from './event-store';

export interface FollowLogOptions {
  after: number;
  batchSize: number;
  read(after: number, max: number): Promise<RecordedEvent[]>;
  handle(events: RecordedEvent[]): Promise<HandledBatch> | HandledBatch;
  /** Resolves when more events may be available (or the signal aborts). */
  waitForMore(signal: AbortSignal): Promise<void>;
  onError?(error: unknown): void;
  /** Pause after a failed batch before trying it again. */
  retryDelayMs?: number;
}

/**
 * Catch-up then live, by pulling: read a batch after the last handled position, hand it over,
 * repeat (or read on from where the handler says); when the log is exhausted, wait to be woken.
 * A failed batch is retried from the same position, so delivery is at-least-once and in order.
 */
export function followLog(options: FollowLogOptions): Subscription {
  const controller = new AbortController();
  const signal = controller.signal;
  let position = options.after;

  const loop = (async () => {
    while (!signal.aborted) {
      try {
        const batch = await options.read(position, options.batchSize);
        if (signal.aborted) break;
        if (batch.length === 0) {
          await options.waitForMore(signal);
          continue;
        }
        const handled = await options.handle(batch);
        position = handled ? handled.resumeAfter : batch[batch.length - 1].position;
        // A full batch means we are catching up; the store's reads resolve at once, so without
        // a turn of the event loop a long replay would hold off HTTP and timers until it ends.
        if (batch.length >= options.batchSize) await new Promise<void>((resolve) => setImmediate(resolve));
      } catch (error) {
        options.onError?.(error);
        await sleep(options.retryDelayMs ?? 1000, signal);
      }
    }
  })();

  return {
    async stop() {
      controller.abort();
      await loop;
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/**
 * The `waitForMore` of a store that emits 'appended' on `appended` after each of its own appends:
 * those wake the subscription at once; appends by other processes are found by polling every
 * `pollIntervalMs`. Resolves on whichever comes first, or when the signal aborts, and leaves no
 * listener behind.
 */
export function waitForAppendOrPoll(appended: EventEmitter, pollIntervalMs: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, pollIntervalMs);
    appended.once('appended', done);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      appended.off('appended', done);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
