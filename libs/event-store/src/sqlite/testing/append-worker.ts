// Child process for the two-process test: appends to its own streams and races on a shared one.
import { ConcurrencyError } from '../../event-store';
import { newEvent } from '../../testing/event-store.contract';
import { SqliteEventStore } from '../sqlite-event-store';

async function main(): Promise<void> {
  const [path, name, countText] = process.argv.slice(2);
  const count = Number(countText);
  const store = new SqliteEventStore({ path, busyTimeoutMs: 10_000 });
  for (let i = 0; i < count; i++) {
    if (i % 3 === 0) {
      // Optimistic concurrency across processes: re-read and retry on conflict.
      for (;;) {
        const events = await store.readStream('shared');
        const expected = events.length === 0 ? 'no_stream' : events[events.length - 1].revision;
        try {
          await store.append('shared', [newEvent('Shared', { name, i })], expected);
          break;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
        }
      }
    } else {
      await store.append(`${name}-${i % 10}`, [newEvent('Own', { name, i })], 'any');
    }
  }
  await store.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
