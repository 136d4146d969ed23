import type Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import type { EventStore, RecordedEvent, Subscription } from '@pz/event-store';
import { BatchDocuments, DocumentReader, documentKey, SqliteDocuments } from './document-store';
import type { Projection } from './projection';

export interface ProjectionStatus {
  name: string;
  version: number;
  position: number;
  lag: number;
}

interface Waiter {
  position: number;
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class ProjectionTimeoutError extends Error {
  override readonly name = 'ProjectionTimeoutError';
}

/**
 * Feeds every projection from the global log. Each batch is applied in one SQLite transaction
 * together with the checkpoint, so a crash never leaves a read model ahead of or behind its
 * checkpoint; the checkpoint is re-read inside the transaction, so several processes sharing
 * one read-model file never apply an event twice.
 */
export class ProjectionRunner {
  private readonly docs: SqliteDocuments;
  /**
   * Documents stay parsed from one batch to the next while no one else applies events to the
   * read models: most events touch a document a recent batch already loaded (a rebuild, or an
   * application being scored by a whole panel).
   */
  private readonly cache: BatchDocuments;
  /**
   * The checkpoints (position and version, per projection) our last commit left. Read models
   * change only with their checkpoints (a batch, a reset, a rebuild), so while the checkpoints
   * are still these, nobody else has changed a document since. (Appends to the same file by the
   * event store do not count, which PRAGMA data_version could not tell apart.)
   */
  private cachedAt: string | null = null;
  /** What queries read: documents kept parsed on the same terms (QueryDocuments). */
  private readonly queries: QueryDocuments;
  private subscription: Subscription | null = null;
  private applied = 0;
  private waiters: Waiter[] = [];
  private readonly stmts;

  constructor(
    private readonly store: EventStore,
    private readonly db: Database.Database,
    private readonly projections: readonly Projection[],
    private readonly options: { batchSize?: number; cachedDocuments?: number; onError?(error: unknown): void } = {},
  ) {
    this.docs = new SqliteDocuments(db);
    this.cache = new BatchDocuments(this.docs, options.cachedDocuments ?? 5_000);
    this.queries = new QueryDocuments(this.docs, () => this.checkpointsNow(), options.cachedDocuments ?? 5_000);
    this.stmts = {
      all: db.prepare('SELECT projection, position, version FROM rm_checkpoints ORDER BY projection'),
      get: db.prepare('SELECT position, version FROM rm_checkpoints WHERE projection = ?'),
      set: db.prepare(
        `INSERT INTO rm_checkpoints (projection, position, version) VALUES (?, ?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, version = excluded.version`,
      ),
    };
  }

  /** The read models, for queries. Documents are shared between callers: never change one. */
  get documents(): DocumentReader {
    return this.queries;
  }

  /** Lowest position every projection has reached. */
  get position(): number {
    return this.applied;
  }

  start(): void {
    if (this.subscription) return;
    this.db.transaction(() => {
      for (const p of this.projections) {
        const cp = this.checkpoint(p);
        // A projection whose code changed meaning starts again from the first event.
        if (cp.version !== p.version) this.reset(p);
      }
    }).immediate();
    this.applied = this.lowestCheckpoint();
    this.subscription = this.store.subscribeToAll({
      after: this.applied,
      // Catching up, a bigger batch means fewer commits and fewer rewrites of each document;
      // following live appends, batches are as small as the appends anyway.
      batchSize: this.options.batchSize ?? 5000,
      handle: (events) => this.applyBatch(events),
      onError: this.options.onError,
    });
  }

  async stop(): Promise<void> {
    const sub = this.subscription;
    this.subscription = null;
    if (sub) await sub.stop();
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new ProjectionTimeoutError('Projections stopped'));
    }
  }

  /** Read-your-writes: resolves once every projection has applied the event at `position`. */
  waitFor(position: number, timeoutMs = 5000): Promise<void> {
    if (this.applied >= position) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new ProjectionTimeoutError(`Read models did not reach position ${position} in ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition();
    return this.projections.map((p) => {
      const position = this.checkpoint(p).position;
      return { name: p.name, version: p.version, position, lag: Math.max(0, head - position) };
    });
  }

  /** Drops every read model and replays the whole log into it. */
  async rebuild(): Promise<void> {
    await this.stop();
    this.db.transaction(() => this.projections.forEach((p) => this.reset(p))).immediate();
    const head = await this.store.headPosition();
    this.start();
    await this.waitFor(head, 10 * 60_000);
  }

  private applyBatch(events: RecordedEvent[]): void {
    let before: string | null = null;
    let left: string | null = null;
    let written: string[] = [];
    try {
      this.db.transaction(() => {
        // Read under the write lock, so nobody can move them between this and our COMMIT.
        const checkpoints = this.checkpointRows();
        before = checkpointsKey(checkpoints);
        if (before !== this.cachedAt) this.cache.clear();
        const last = events[events.length - 1].position;
        for (const p of this.projections) {
          const from = checkpoints.get(p.name)?.position ?? 0;
          if (from >= last) continue;
          for (const event of events) if (event.position > from) p.apply(event, this.cache);
          this.stmts.set.run(p.name, last, p.version);
          checkpoints.set(p.name, { position: last, version: p.version });
        }
        written = this.cache.flush();
        left = checkpointsKey(checkpoints);
      }).immediate();
      this.cachedAt = left;
      this.queries.advance(before!, left!, written);
    } catch (error) {
      // Rolled back: the cache may hold changes that never reached the file.
      this.cache.clear();
      this.cachedAt = null;
      throw error;
    }
    this.applied = Math.max(this.applied, events[events.length - 1].position);
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const ready = this.waiters.filter((w) => w.position <= this.applied);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > this.applied);
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  private checkpoint(p: Projection): { position: number; version: number } {
    const row = this.stmts.get.get(p.name) as { position: number; version: number } | undefined;
    return row ?? { position: 0, version: p.version };
  }

  private lowestCheckpoint(): number {
    return Math.min(...this.projections.map((p) => this.checkpoint(p).position), Number.MAX_SAFE_INTEGER);
  }

  private reset(p: Projection): void {
    this.cache.clear();
    this.cachedAt = null;
    for (const c of p.collections) this.docs.clear(c);
    this.stmts.set.run(p.name, 0, p.version);
  }

  /** Every checkpoint in the file (any runner's). */
  private checkpointRows(): Map<string, { position: number; version: number }> {
    const rows = this.stmts.all.all() as { projection: string; position: number; version: number }[];
    return new Map(rows.map((r) => [r.projection, { position: r.position, version: r.version }]));
  }

  private checkpointsNow(): string {
    return checkpointsKey(this.checkpointRows());
  }
}

/** The checkpoints as one comparable string. */
function checkpointsKey(checkpoints: Map<string, { position: number; version: number }>): string {
  return [...checkpoints]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, c]) => `${name}=${c.position}@${c.version}`)
    .join(',');
}

/**
 * Queries' reads, with up to `keep` documents kept parsed (least recently used dropped) while
 * the checkpoints are what they were when they were parsed: read models change only with their
 * checkpoints, so until those move nothing has changed. Our own batches tell us which documents
 * they rewrote (`advance`); anyone else's moves the checkpoints and empties the lot. Parsed
 * separately from the projections' own cache, so no projection ever changes a document a
 * query has handed out; and frozen, so no caller can either.
 */
class QueryDocuments implements DocumentReader {
  private readonly parsed: LRUCache<string, object>;
  private at: string | null = null;
  /**
   * Checked once per run of synchronous code: reads in one run (a request's checks) could not
   * see anything of ours change in between, and another process's commit landing between two
   * of them is no different from it landing just after.
   */
  private checkedThisRun = false;

  constructor(
    private readonly docs: SqliteDocuments,
    private readonly checkpoints: () => string,
    keep: number,
  ) {
    this.parsed = new LRUCache({ max: keep });
  }

  get<T>(collection: string, id: string): T | undefined {
    if (!this.checkedThisRun) {
      const now = this.checkpoints();
      if (now !== this.at) {
        this.parsed.clear();
        this.at = now;
      }
      this.checkedThisRun = true;
      queueMicrotask(() => (this.checkedThisRun = false));
    }
    const k = documentKey(collection, id);
    const hit = this.parsed.get(k);
    if (hit !== undefined) return hit as T;
    const doc = this.docs.get<T>(collection, id);
    if (doc !== undefined) {
      // Shared between requests: frozen, so code that changed one would fail loudly, not
      // quietly change what the next request reads.
      deepFreeze(doc);
      this.parsed.set(k, doc as object);
    }
    return doc;
  }

  list<T>(collection: string): T[] {
    return this.docs.list<T>(collection);
  }

  /** After a batch of ours moved the checkpoints from `before` to `after`, rewriting `written`. */
  advance(before: string, after: string, written: readonly string[]): void {
    if (this.at !== before) {
      this.parsed.clear();
      this.at = null;
      return;
    }
    for (const k of written) this.parsed.delete(k);
    this.at = after;
  }
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}
