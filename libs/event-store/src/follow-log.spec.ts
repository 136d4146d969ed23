import type { RecordedEvent } from './event-store';
import { followLog } from './follow-log';

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
});
