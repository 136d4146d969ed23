import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent, Subscription } from '@pz/event-store';
import { BatchDocuments, SqliteDocuments } from './document-store';
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
   * Documents stay parsed from one batch to the next while nothing else writes the file: during
   * a rebuild most events touch a document the previous batch already loaded.
   */
  private readonly cache: BatchDocuments;
  /** PRAGMA data_version after our last commit: it moves when another connection commits. */
  private cacheVersion: number | null = null;
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
    this.stmts = {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      get: db.prepare('SELECT position, version FROM rm_checkpoints WHERE projection = ?'),
      set: db.prepare(
        `INSERT INTO rm_checkpoints (projection, position, version) VALUES (?, ?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, version = excluded.version`,
      ),
    };
  }

  get documents(): SqliteDocuments {
    return this.docs;
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
    let version: number | null = null;
    try {
      this.db.transaction(() => {
        // Read under the write lock, so nobody can commit between this and our COMMIT (our own
        // commit does not move it): if anyone else committed since our last batch (another
        // runner, a migration, an append to the same file), what we hold may be stale.
        version = this.stmts.dataVersion.get() as number;
        if (version !== this.cacheVersion) this.cache.clear();
        const last = events[events.length - 1].position;
        for (const p of this.projections) {
          const from = this.checkpoint(p).position;
          if (from >= last) continue;
          for (const event of events) if (event.position > from) p.apply(event, this.cache);
          this.stmts.set.run(p.name, last, p.version);
        }
        this.cache.flush();
      }).immediate();
      this.cacheVersion = version;
    } catch (error) {
      // Rolled back: the cache may hold changes that never reached the file.
      this.cache.clear();
      this.cacheVersion = null;
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
    for (const c of p.collections) this.docs.clear(c);
    this.stmts.set.run(p.name, 0, p.version);
  }
}
