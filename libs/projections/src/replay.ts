import type { EventStore } from '@pz/event-store';
import { MemoryDocuments } from './document-store';
import type { Projection } from './projection';

/**
 * Rebuilds the projections from zero in memory, up to `untilPosition`, without touching the live
 * read models. `documents` holds what they came to.
 */
export async function replayIntoScratch(
  store: EventStore,
  projections: readonly Projection[],
  untilPosition: number,
  batchSize = 5000,
  /** Per projection, the last position to apply (a live read model being compared may be behind the others). */
  limits?: ReadonlyMap<string, number>,
): Promise<{ documents: MemoryDocuments; events: number }> {
  const documents = new MemoryDocuments();
  let position = 0;
  let events = 0;
  while (position < untilPosition) {
    const batch = (await store.readAll({ after: position, maxCount: batchSize })).filter((e) => e.position <= untilPosition);
    if (batch.length === 0) break;
    for (const event of batch) {
      for (const p of projections) if (event.position <= (limits?.get(p.name) ?? untilPosition)) await p.apply(event, documents);
    }
    events += batch.length;
    position = batch[batch.length - 1].position;
  }
  return { documents, events };
}
