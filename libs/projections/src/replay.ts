import Database from 'better-sqlite3';
import type { EventStore } from '@pz/event-store';
import { BatchDocuments, SqliteDocuments } from './document-store';
import type { Projection } from './projection';

/** Every document of the given collections, keyed `collection/id`, as stored JSON text. */
export function snapshotDocuments(db: Database.Database, collections: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const stmt = db.prepare('SELECT id, doc FROM rm_docs WHERE collection = ? ORDER BY id');
  for (const c of collections) {
    for (const row of stmt.iterate(c) as IterableIterator<{ id: string; doc: string }>) {
      out.set(`${c}/${row.id}`, row.doc);
    }
  }
  return out;
}

/**
 * Rebuilds the projections from zero into a scratch in-memory database, up to `untilPosition`,
 * without touching the live read models.
 */
export async function replayIntoScratch(
  store: EventStore,
  projections: readonly Projection[],
  untilPosition: number,
  batchSize = 5000,
  /** Per projection, the last position to apply (a live read model being compared may be behind the others). */
  limits?: ReadonlyMap<string, number>,
): Promise<{ db: Database.Database; events: number }> {
  const db = new Database(':memory:');
  const docs = new SqliteDocuments(db);
  let position = 0;
  let events = 0;
  while (position < untilPosition) {
    const batch = (await store.readAll({ after: position, maxCount: batchSize })).filter(
      (e) => e.position <= untilPosition,
    );
    if (batch.length === 0) break;
    db.transaction(() => {
      const cache = new BatchDocuments(docs);
      for (const event of batch) {
        for (const p of projections) if (event.position <= (limits?.get(p.name) ?? untilPosition)) p.apply(event, cache);
      }
      cache.flush();
    })();
    events += batch.length;
    position = batch[batch.length - 1].position;
  }
  return { db, events };
}
