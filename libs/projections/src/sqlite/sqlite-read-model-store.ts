import type Database from 'better-sqlite3';
import type { Checkpoint, CommitBatch, ProjectionShape, ReadModelStore } from '../document-store';

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

interface CheckpointRow {
  projection: string;
  position: number;
  version: number;
}

/**
 * Read models in an SQLite file (with the embedded store, the same file as the events: one file
 * to back up). Every call runs synchronously on its own connection and returns a settled
 * promise; a commit is one IMMEDIATE transaction, so its checkpoint check and its writes cannot
 * be split by another process's commit.
 */
export class SqliteReadModelStore implements ReadModelStore {
  readonly kind = 'sqlite';
  private readonly stmts;
  private readonly commitInTransaction;
  private readonly resetInTransaction;

  constructor(private readonly db: Database.Database) {
    db.exec(READ_MODEL_SCHEMA);
    this.stmts = {
      get: db.prepare('SELECT doc FROM rm_docs WHERE collection = ? AND id = ?').pluck(),
      put: db.prepare('INSERT OR REPLACE INTO rm_docs (collection, id, doc) VALUES (?, ?, ?)'),
      delete: db.prepare('DELETE FROM rm_docs WHERE collection = ? AND id = ?'),
      list: db.prepare('SELECT doc FROM rm_docs WHERE collection = ? ORDER BY id').pluck(),
      listWithIds: db.prepare('SELECT id, doc FROM rm_docs WHERE collection = ? ORDER BY id'),
      clear: db.prepare('DELETE FROM rm_docs WHERE collection = ?'),
      checkpoints: db.prepare('SELECT projection, position, version FROM rm_checkpoints'),
      setCheckpoint: db.prepare(
        `INSERT INTO rm_checkpoints (projection, position, version) VALUES (?, ?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, version = excluded.version`,
      ),
    };
    this.commitInTransaction = db.transaction((batch: CommitBatch): boolean => {
      if (!this.stillAt(batch.expected)) return false;
      for (const change of batch.changes) {
        if (change.doc === null) this.stmts.delete.run(change.collection, change.id);
        else this.stmts.put.run(change.collection, change.id, JSON.stringify(change.doc));
      }
      for (const [name, checkpoint] of batch.next) this.stmts.setCheckpoint.run(name, checkpoint.position, checkpoint.version);
      return true;
    });
    this.resetInTransaction = db.transaction((projection: ProjectionShape, expected: Checkpoint | null): boolean => {
      if (!this.stillAt(new Map([[projection.name, expected]]))) return false;
      for (const collection of projection.collections) this.stmts.clear.run(collection);
      this.stmts.setCheckpoint.run(projection.name, 0, projection.version);
      return true;
    });
  }

  async get<T>(collection: string, id: string): Promise<T | undefined> {
    const raw = this.stmts.get.get(collection, id) as string | undefined;
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async list<T>(collection: string): Promise<T[]> {
    return (this.stmts.list.all(collection) as string[]).map((raw) => JSON.parse(raw) as T);
  }

  async checkpoints(): Promise<Map<string, Checkpoint>> {
    return this.readCheckpoints();
  }

  async commit(batch: CommitBatch): Promise<boolean> {
    return this.commitInTransaction.immediate(batch);
  }

  async reset(projection: ProjectionShape, expected: Checkpoint | null): Promise<boolean> {
    return this.resetInTransaction.immediate(projection, expected);
  }

  async snapshot(collections: readonly string[]): Promise<{ checkpoints: Map<string, Checkpoint>; documents: Map<string, unknown> }> {
    // One read transaction: documents and checkpoints as of the same commit.
    return this.db.transaction(() => {
      const documents = new Map<string, unknown>();
      for (const c of collections) {
        for (const row of this.stmts.listWithIds.all(c) as { id: string; doc: string }[]) documents.set(`${c}/${row.id}`, JSON.parse(row.doc));
      }
      return { checkpoints: this.readCheckpoints(), documents };
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private readCheckpoints(): Map<string, Checkpoint> {
    const rows = this.stmts.checkpoints.all() as CheckpointRow[];
    return new Map(rows.map((r) => [r.projection, { position: r.position, version: r.version }]));
  }

  /** Whether every named checkpoint is still exactly as expected (null: not stored). */
  private stillAt(expected: ReadonlyMap<string, Checkpoint | null>): boolean {
    if (expected.size === 0) return true;
    const now = this.readCheckpoints();
    for (const [name, want] of expected) {
      const have = now.get(name) ?? null;
      if (want === null ? have !== null : have === null || have.position !== want.position || have.version !== want.version) return false;
    }
    return true;
  }
}
