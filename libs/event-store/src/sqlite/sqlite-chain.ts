import Database from 'better-sqlite3';
import { ChainAnchors, ChainLink, furthestSeen, verifyGlobalChain, VerifyReport } from '../verify-chain';
import { fromEventRow, iterateEventRows } from './event-rows';

/**
 * Verifies the chain in the file at `path` on a read-only connection of its own: the rows are
 * read exactly as stored, and an iteration that outlives many turns of the event loop cannot
 * collide with the service's own statements.
 */
export async function verifySqliteChain(path: string, anchors: ChainAnchors = {}): Promise<VerifyReport> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return await verifyGlobalChain(sqliteLinks(db), { ...anchors, seenUpTo: furthestSeen(anchors.seenUpTo, highestSeenPosition(db)) });
  } finally {
    db.close();
  }
}

/** The rows exactly as stored, one at a time (better-sqlite3's iterator keeps memory flat). */
export function* sqliteLinks(db: Database.Database): IterableIterator<ChainLink> {
  for (const row of iterateEventRows(db)) yield fromEventRow(row, safeParse);
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
