import { escapeLiteral, type Pool, type PoolClient, type QueryResult } from 'pg';
import { migratePg, PgMigration } from '@pz/event-store/postgres/pg-migrations';
import type { Checkpoint, CommitBatch, DocumentChange, ProjectionShape, ReadModelStore } from '../document-store';

export const READ_MODEL_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'documents and checkpoints',
    // "C" collation: lists come back in byte order of their ids, as from SQLite.
    sql: `
      CREATE TABLE rm_docs (
        collection TEXT COLLATE "C" NOT NULL,
        id         TEXT COLLATE "C" NOT NULL,
        doc        TEXT NOT NULL,
        PRIMARY KEY (collection, id));
      CREATE TABLE rm_checkpoints (
        projection TEXT PRIMARY KEY,
        position   BIGINT NOT NULL,
        version    INTEGER NOT NULL);`,
  },
  {
    version: 2,
    name: 'projection leases',
    // A row per projection, not a session lock: it works through PgBouncer, and a runner that
    // dies leaves a row that simply expires. Times are the database's, so machines' clocks agree.
    sql: `
      CREATE TABLE rm_leases (
        projection TEXT PRIMARY KEY,
        holder     TEXT NOT NULL,
        expires_at TIMESTAMPTZ NOT NULL);`,
  },
];

/**
 * Read models in PostgreSQL, shared by every API and worker process. A commit moves each
 * checkpoint with a compare-and-set (UPDATE ... WHERE position = expected, or an INSERT that must
 * not conflict): a second runner committing on the same checkpoint waits on the row, then finds
 * it moved and writes nothing. So a batch is applied to the store once, whoever applied it first.
 */
export class PgReadModelStore implements ReadModelStore {
  readonly kind = 'postgres';

  static async open(pool: Pool, options: { ownsPool?: boolean } = {}): Promise<PgReadModelStore> {
    await migratePg(pool, 'read-models', READ_MODEL_MIGRATIONS);
    return new PgReadModelStore(pool, options.ownsPool ?? false);
  }

  private constructor(
    private readonly pool: Pool,
    private readonly ownsPool: boolean,
  ) {}

  async get<T>(collection: string, id: string): Promise<T | undefined> {
    const { rows } = await this.pool.query<[string]>({ text: 'SELECT doc FROM rm_docs WHERE collection = $1 AND id = $2', values: [collection, id], rowMode: 'array' });
    return rows.length === 0 ? undefined : (JSON.parse(rows[0][0]) as T);
  }

  async list<T>(collection: string): Promise<T[]> {
    const { rows } = await this.pool.query<[string]>({ text: 'SELECT doc FROM rm_docs WHERE collection = $1 ORDER BY id', values: [collection], rowMode: 'array' });
    return rows.map((r) => JSON.parse(r[0]) as T);
  }

  async checkpoints(): Promise<Map<string, Checkpoint>> {
    return readCheckpoints(this.pool);
  }

  /**
   * Two round trips: one message begins, moves every checkpoint by compare-and-set and writes the
   * documents; the second commits when every compare-and-set found its checkpoint, and rolls all
   * of it back otherwise. Values travel as escaped literals (simple protocol: one round trip for
   * many statements). Committed without waiting for the WAL flush (synchronous_commit off for
   * these transactions only), as SQLite's read models commit with synchronous=NORMAL: a crash can
   * lose the last batches, but never a batch without its checkpoint, and the runner applies them
   * again from the log.
   */
  async commit(batch: CommitBatch): Promise<boolean> {
    const statements: string[] = [];
    const conditions: number[] = [];
    for (const [name, want] of batch.expected) {
      const to = batch.next.get(name);
      conditions.push(statements.push(to ? moveCheckpoint(name, want, to) : stillAt(name, want)) - 1);
    }
    for (const [name, to] of batch.next) {
      if (batch.expected.has(name)) continue;
      statements.push(
        `INSERT INTO rm_checkpoints (projection, position, version) VALUES (${escapeLiteral(name)}, ${integer(to.position)}, ${integer(to.version)})
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, version = excluded.version`,
      );
    }
    statements.push(...changeStatements(batch.changes));
    return this.conditionally(statements, conditions);
  }

  async reset(projection: ProjectionShape, expected: Checkpoint | null): Promise<boolean> {
    const collections = projection.collections.map(escapeLiteral).join(', ');
    return this.conditionally(
      [
        moveCheckpoint(projection.name, expected, { position: 0, version: projection.version }),
        ...(collections ? [`DELETE FROM rm_docs WHERE collection IN (${collections})`] : []),
      ],
      [0],
    );
  }

  /** Runs `statements` in a transaction, committed only if each of `conditions` (indexes) changed or found one row. */
  private async conditionally(statements: string[], conditions: number[]): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      const prefix = ['BEGIN', 'SET LOCAL synchronous_commit = off'];
      const results = (await client.query([...prefix, ...statements].join('; '))) as unknown as QueryResult[];
      const ok = conditions.every((i) => results[i + prefix.length].rowCount === 1);
      await client.query(ok ? 'COMMIT' : 'ROLLBACK');
      return ok;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async lease(projections: readonly string[], holder: string, ttlMs: number): Promise<Set<string>> {
    const { rows } = await this.pool.query<{ projection: string }>(
      `INSERT INTO rm_leases (projection, holder, expires_at)
         SELECT p, $2, clock_timestamp() + make_interval(secs => $3 / 1000.0) FROM unnest($1::text[]) AS p
       ON CONFLICT (projection) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE rm_leases.holder = excluded.holder OR rm_leases.expires_at < clock_timestamp()
       RETURNING projection`,
      [[...projections], holder, ttlMs],
    );
    return new Set(rows.map((r) => r.projection));
  }

  async release(holder: string): Promise<void> {
    await this.pool.query('DELETE FROM rm_leases WHERE holder = $1', [holder]);
  }

  async snapshot(collections: readonly string[]): Promise<{ checkpoints: Map<string, Checkpoint>; documents: Map<string, unknown> }> {
    // One REPEATABLE READ transaction: documents and checkpoints as of the same commit.
    return this.inTransaction(async (client) => {
      const { rows } = await client.query<[string, string, string]>({
        text: 'SELECT collection, id, doc FROM rm_docs WHERE collection = ANY($1::text[]) ORDER BY collection, id',
        values: [[...collections]],
        rowMode: 'array',
      });
      const documents = new Map<string, unknown>();
      for (const [collection, id, doc] of rows) documents.set(`${collection}/${id}`, JSON.parse(doc));
      return { checkpoints: await readCheckpoints(client), documents };
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  /** Runs `work` in a transaction; a false answer rolls it back. */
  private async inTransaction<R>(work: (client: PoolClient) => Promise<R>, begin = 'BEGIN'): Promise<R> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query(result === false ? 'ROLLBACK' : 'COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/**
 * Compare-and-set of one checkpoint, from `expected` (null: not stored) to `to`: changes one row
 * only if it is at `expected`. A concurrent transaction on the same row waits for ours, then
 * re-reads the row and fails its own condition.
 */
function moveCheckpoint(name: string, expected: Checkpoint | null, to: Checkpoint): string {
  const projection = escapeLiteral(name);
  return expected === null
    ? `INSERT INTO rm_checkpoints (projection, position, version) VALUES (${projection}, ${integer(to.position)}, ${integer(to.version)})
       ON CONFLICT (projection) DO NOTHING`
    : `UPDATE rm_checkpoints SET position = ${integer(to.position)}, version = ${integer(to.version)}
       WHERE projection = ${projection} AND position = ${integer(expected.position)} AND version = ${integer(expected.version)}`;
}

/** Finds one row when a checkpoint the batch does not move is still where the batch was applied on (locked until commit). */
function stillAt(name: string, expected: Checkpoint | null): string {
  const projection = escapeLiteral(name);
  return expected === null
    ? `SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM rm_checkpoints WHERE projection = ${projection})`
    : `SELECT 1 FROM rm_checkpoints WHERE projection = ${projection} AND position = ${integer(expected.position)}
       AND version = ${integer(expected.version)} FOR SHARE`;
}

/** A batch's documents in two statements, whatever its size: the writes, then the deletions. */
function changeStatements(changes: readonly DocumentChange[]): string[] {
  // One change per document (the last), or an upsert would meet its own row twice.
  const last = new Map<string, DocumentChange>();
  for (const c of changes) last.set(`${c.collection}\u0000${c.id}`, c);
  const key = (c: DocumentChange) => `${escapeLiteral(c.collection)}, ${escapeLiteral(c.id)}`;
  const puts = [...last.values()].filter((c) => c.doc !== null);
  const deletes = [...last.values()].filter((c) => c.doc === null);
  const statements: string[] = [];
  if (puts.length > 0) {
    statements.push(
      `INSERT INTO rm_docs (collection, id, doc) VALUES ${puts.map((c) => `(${key(c)}, ${escapeLiteral(JSON.stringify(c.doc))})`).join(', ')}
       ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc`,
    );
  }
  if (deletes.length > 0) statements.push(`DELETE FROM rm_docs WHERE (collection, id) IN (${deletes.map((c) => `(${key(c)})`).join(', ')})`);
  return statements;
}

function integer(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

async function readCheckpoints(db: Pool | PoolClient): Promise<Map<string, Checkpoint>> {
  const { rows } = await db.query<[string, number, number]>({ text: 'SELECT projection, position, version FROM rm_checkpoints', rowMode: 'array' });
  return new Map(rows.map(([projection, position, version]) => [projection, { position: Number(position), version }]));
}
