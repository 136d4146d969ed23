import { EventEmitter, getEventListeners } from 'node:events';
import type { RecordedEvent } from './event-store';
import { followLog, waitForAppendOrPoll } from './follow-log';

function logOf(length: number): RecordedEvent[] {
  return Array.from({ length }, (_, i) => ({
    id: `e-${i + 1}`,
    streamId: 's',
    type: 'Happened',
    data: {},
    metadata: {},
    revision: i,
    position: i + 1,
    recordedAt: '2026-11-22T00:00:00.000Z',
  })) as unknown as RecordedEvent[];
}

describe('followLog', () => {
  it('lets timers and I/O run between batches while catching up', async () => {
    const log = logOf(500);
    let handled = 0;
    let handledWhenTimerRan = -1;
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));

    setTimeout(() => (handledWhenTimerRan = handled), 0);
    const sub = followLog({
      after: 0,
      batchSize: 10,
      // Resolves at once, as the SQLite store's reads do.
      read: async (after, max) => log.filter((e) => e.position > after).slice(0, max),
      handle: (events) => {
        handled += events.length;
      },
      waitForMore: async (signal) => {
        caughtUp();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    });
    await done;
    await sub.stop();

    expect(handled).toBe(500);
    expect(handledWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(handledWhenTimerRan).toBeLessThan(500);
  });

  it('delivers every event once, in order, across batches', async () => {
    const log = logOf(95);
    const seen: number[] = [];
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    const sub = followLog({
      after: 20,
      batchSize: 10,
      read: async (after, max) => log.filter((e) => e.position > after).slice(0, max),
      handle: (events) => {
        seen.push(...events.map((e) => e.position));
      },
      waitForMore: async (signal) => {
        caughtUp();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    });
    await done;
    await sub.stop();
    expect(seen).toEqual(Array.from({ length: 75 }, (_, i) => i + 21));
  });

  it('reads on from where the handler says: back over a stretch, or ahead past one', async () => {
    const log = logOf(40);
    const seen: number[] = [];
    let caughtUp!: () => void;
    const done = new Promise<void>((resolve) => (caughtUp = resolve));
    let wentBack = false;
    const sub = followLog({
      after: 0,
      batchSize: 10,
      read: async (after, max) => log.filter((e) => e.position > after).slice(0, max),
      handle: (events) => {
        seen.push(events[0].position);
        if (events[0].position === 11 && !wentBack) {
          wentBack = true;
          return { resumeAfter: 5 };
        }
        if (events[0].position === 16) return { resumeAfter: 30 };
      },
      waitForMore: async (signal) => {
        caughtUp();
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    });
    await done;
    await sub.stop();
    // 1-10, 11-20 (go back to after 5), 6-15, 16-25 (skip ahead to after 30), 31-40.
    expect(seen).toEqual([1, 11, 6, 16, 31]);
  });
});

describe('waitForAppendOrPoll', () => {
  /** Waits with a poll interval too long for any test, and says what woke it. */
  function waitOn(appended: EventEmitter, signal: AbortSignal, pollIntervalMs = 60_000) {
    let woken = false;
    const wait = waitForAppendOrPoll(appended, pollIntervalMs, signal).then(() => (woken = true));
    return { wait, woken: () => woken };
  }

  function expectNoListenersLeft(appended: EventEmitter, signal: AbortSignal) {
    expect(appended.listenerCount('appended')).toBe(0);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  }

  it('wakes at once on an append, and leaves no listener behind', async () => {
    const appended = new EventEmitter();
    const controller = new AbortController();
    const { wait, woken } = waitOn(appended, controller.signal);
    await Promise.resolve();
    expect(woken()).toBe(false);
    appended.emit('appended');
    await wait;
    expectNoListenersLeft(appended, controller.signal);
  });

  it('wakes when the poll interval passes with no append (another process may have written)', async () => {
    const appended = new EventEmitter();
    const controller = new AbortController();
    await waitOn(appended, controller.signal, 5).wait;
    expectNoListenersLeft(appended, controller.signal);
  });

  it('wakes when the subscription stops', async () => {
    const appended = new EventEmitter();
    const controller = new AbortController();
    const { wait } = waitOn(appended, controller.signal);
    controller.abort();
    await wait;
    expect(appended.listenerCount('appended')).toBe(0);
  });

  it('does not pile up abort listeners over many waits on one subscription', async () => {
    const appended = new EventEmitter();
    const controller = new AbortController();
    for (let i = 0; i < 20; i += 1) {
      const { wait } = waitOn(appended, controller.signal);
      appended.emit('appended');
      await wait;
    }
    expectNoListenersLeft(appended, controller.signal);
  });
});
