import type Database from 'better-sqlite3';

/** What a projection sees: JSON documents by collection and id, changed synchronously. */
export interface DocumentStore {
  get<T>(collection: string, id: string): T | undefined;
  put<T>(collection: string, id: string, doc: T): void;
  delete(collection: string, id: string): void;
  list<T>(collection: string): T[];
  /**
   * Loads a document, changes it and puts the result back; does nothing when there is no such
   * document. Returns the changed document, or undefined when there was none.
   */
  update<T>(collection: string, id: string, change: (doc: T) => T): T | undefined;
}

export const READ_MODEL_SCHEMA = `
  CREATE TABLE IF NOT EXISTS rm_docs (
    collection TEXT NOT NULL,
    id         TEXT NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS rm_checkpoints (
    projection TEXT PRIMARY KEY,
    position   INTEGER NOT NULL,
    version    INTEGER NOT NULL
  );
`;

/** Reads straight from the database; used by queries outside any projection batch. */
export class SqliteDocuments implements DocumentStore {
  private readonly stmts;

  constructor(readonly db: Database.Database) {
    db.exec(READ_MODEL_SCHEMA);
    this.stmts = {
      get: db.prepare('SELECT doc FROM rm_docs WHERE collection = ? AND id = ?').pluck(),
      put: db.prepare('INSERT OR REPLACE INTO rm_docs (collection, id, doc) VALUES (?, ?, ?)'),
      delete: db.prepare('DELETE FROM rm_docs WHERE collection = ? AND id = ?'),
      list: db.prepare('SELECT doc FROM rm_docs WHERE collection = ? ORDER BY id').pluck(),
      clear: db.prepare('DELETE FROM rm_docs WHERE collection = ?'),
    };
  }

  get<T>(collection: string, id: string): T | undefined {
    const raw = this.stmts.get.get(collection, id) as string | undefined;
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  put<T>(collection: string, id: string, doc: T): void {
    this.stmts.put.run(collection, id, JSON.stringify(doc));
  }

  delete(collection: string, id: string): void {
    this.stmts.delete.run(collection, id);
  }

  list<T>(collection: string): T[] {
    return (this.stmts.list.all(collection) as string[]).map((raw) => JSON.parse(raw) as T);
  }

  update<T>(collection: string, id: string, change: (doc: T) => T): T | undefined {
    return updateDocument(this, collection, id, change);
  }

  clear(collection: string): void {
    this.stmts.clear.run(collection);
  }
}

/**
 * Write-back cache: a document touched by many events is parsed and serialised once per flush,
 * which is what makes rebuilding from a long log fast. Only documents changed since the last
 * flush are written back.
 *
 * With `keep` > 0 the cache outlives a flush: up to `keep` documents (least recently used are
 * dropped first) stay parsed for the next batch, so a rebuild reads each document from SQLite
 * about once instead of once per batch. Its owner must `clear()` it whenever the database may
 * have changed under it.
 */
export class BatchDocuments implements DocumentStore {
  private readonly entries = new Map<string, { collection: string; id: string; doc: unknown | null; dirty: boolean }>();

  constructor(
    private readonly base: SqliteDocuments,
    private readonly keep = 0,
  ) {}

  get<T>(collection: string, id: string): T | undefined {
    const k = key(collection, id);
    const hit = this.entries.get(k);
    if (hit) {
      if (this.keep > 0) {
        // Map order is the LRU order: a hit moves to the young end.
        this.entries.delete(k);
        this.entries.set(k, hit);
      }
      return hit.doc === null ? undefined : (hit.doc as T);
    }
    const doc = this.base.get<T>(collection, id);
    if (doc !== undefined) this.entries.set(k, { collection, id, doc, dirty: false });
    return doc;
  }

  put<T>(collection: string, id: string, doc: T): void {
    this.set(collection, id, doc);
  }

  delete(collection: string, id: string): void {
    this.set(collection, id, null);
  }

  /** A get and a put: the document is parsed at most once a batch and written back only at flush. */
  update<T>(collection: string, id: string, change: (doc: T) => T): T | undefined {
    return updateDocument(this, collection, id, change);
  }

  private set(collection: string, id: string, doc: unknown | null): void {
    const k = key(collection, id);
    if (this.keep > 0) this.entries.delete(k);
    this.entries.set(k, { collection, id, doc, dirty: true });
  }

  list<T>(collection: string): T[] {
    // Rare inside projections: flush so the query sees this batch's writes.
    this.flush();
    return this.base.list<T>(collection);
  }

  /** Writes back what changed; returns the documents written (as `documentKey`s). */
  flush(): string[] {
    const written: string[] = [];
    for (const [k, entry] of this.entries) {
      if (!entry.dirty) continue;
      if (entry.doc === null) this.base.delete(entry.collection, entry.id);
      else this.base.put(entry.collection, entry.id, entry.doc);
      entry.dirty = false;
      written.push(k);
    }
    if (this.keep === 0) {
      this.entries.clear();
      return written;
    }
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.keep) break;
      this.entries.delete(k);
    }
    return written;
  }

  /** Forgets everything, written or not. */
  clear(): void {
    this.entries.clear();
  }
}

/** Load, change, put: what `update` means for any DocumentStore, built on its own get and put. */
function updateDocument<T>(docs: DocumentStore, collection: string, id: string, change: (doc: T) => T): T | undefined {
  const doc = docs.get<T>(collection, id);
  if (doc === undefined || doc === null) return undefined;
  const next = change(doc);
  docs.put<T>(collection, id, next);
  return next;
}

export function documentKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

const key = documentKey;

/** What queries read. */
export interface DocumentReader {
  get<T>(collection: string, id: string): T | undefined;
  list<T>(collection: string): T[];
}
