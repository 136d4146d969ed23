import type Database from 'better-sqlite3';
import type { ChainLink } from './verify-chain';

interface Row {
  position: number;
  id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}

/** The rows exactly as stored, one at a time (better-sqlite3's iterator keeps memory flat). */
export function* sqliteLinks(db: Database.Database): IterableIterator<ChainLink> {
  const rows = db.prepare('SELECT * FROM events ORDER BY position').iterate() as IterableIterator<Row>;
  for (const row of rows) {
    yield {
      id: row.id,
      streamId: row.stream_id,
      revision: row.revision,
      position: row.position,
      type: row.type,
      data: safeParse(row.data),
      metadata: safeParse(row.metadata),
      recordedAt: row.recorded_at,
      prevHash: row.prev_hash,
      hash: row.hash,
    };
  }
}

/** Positions that other records in the file (checkpoints) have already reached. */
export function highestSeenPosition(db: Database.Database): { position: number; by: string } | undefined {
  const candidates: { position: number; by: string }[] = [];
  const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]));
  if (tables.has('checkpoints')) {
    for (const r of db.prepare('SELECT name, position FROM checkpoints').all() as { name: string; position: number }[]) {
      candidates.push({ position: r.position, by: `the ${r.name} processor` });
    }
  }
  if (tables.has('rm_checkpoints')) {
    for (const r of db.prepare('SELECT projection, position FROM rm_checkpoints').all() as { projection: string; position: number }[]) {
      candidates.push({ position: r.position, by: `the ${r.projection} read model` });
    }
  }
  return candidates.sort((a, b) => b.position - a.position)[0];
}

/** An unparseable row is still checked: its text then simply cannot match its hash. */
function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparseable: text };
  }
}
