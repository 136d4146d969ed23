import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { EventStore, RecordedEvent, Subscription } from '@pz/event-store';
import {
  BatchDocuments,
  Checkpoint,
  checkpointsKey,
  DocumentReader,
  documentKey,
  ReadModelStore,
} from './document-store';
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
 * Feeds every projection from the global log. A batch is applied in memory, then written with
 * its checkpoints in one conditional commit: if another runner (another process sharing the
 * store) moved a checkpoint meanwhile, nothing is written and this runner reads the log again
 * from where the store says the projections stand. So no event is applied twice, none is
 * skipped, and a crash never leaves a read model ahead of or behind its checkpoint.
 */
export class ProjectionRunner {
  /**
   * Documents stay parsed from one batch to the next while no one else applies events to the
   * read models: most events touch a document a recent batch already loaded (a rebuild, or an
   * application being scored by a whole panel).
   */
  private readonly cache: BatchDocuments;
  /**
   * The checkpoints (position and version, per projection) our last commit left. Read models
   * change only with their checkpoints (a batch, a reset, a rebuild), so while the store's are
   * still these, nobody else has changed a document since.
   */
  private cachedAt: string | null = null;
  /** What queries read: documents kept parsed on the same terms (QueryDocuments). */
  private readonly queries: QueryDocuments;
  private subscription: Subscription | null = null;
  private applied = 0;
  /** The position this runner has read the log up to: its next batch starts after it. */
  private cursor = 0;
  private waiters: Waiter[] = [];
  /** Who this runner is, to a store that leases projections. */
  private readonly holder = randomUUID();
  /** The projections whose lease this runner holds (null: the store has no leases, so all of them). */
  private held: Set<string> | null = null;
  /** When to renew the leases: well before they expire. */
  private renewAt = 0;
  private leaseTimer: NodeJS.Timeout | null = null;
  private renewing = false;
  /** While waiters wait on projections another runner applies: looks at the checkpoints. */
  private watching: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projections: readonly Projection[],
    private readonly options: {
      batchSize?: number;
      cachedDocuments?: number;
      onError?(error: unknown): void;
      /** How long a lease lasts unrenewed (a dead runner's projections wait this long for another). */
      leaseMs?: number;
      /** How often a waiter looks at checkpoints another runner moves. */
      watchMs?: number;
    } = {},
  ) {
    const keep = options.cachedDocuments ?? 5_000;
    this.cache = new BatchDocuments((collection, id) => readModels.get(collection, id), keep);
    this.queries = new QueryDocuments(readModels, keep);
  }

  /** The read models, for queries. Documents are shared between callers: never change one. */
  get documents(): DocumentReader {
    return this.queries;
  }

  /** Lowest position every projection has reached, as far as this runner knows. */
  get position(): number {
    return this.applied;
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    let checkpoints = await this.readModels.checkpoints();
    for (const p of this.projections) {
      const cp = checkpoints.get(p.name) ?? null;
      // A projection whose code changed meaning starts again from the first event; one a newer
      // build already keeps is left to it (an older process restarting mid-deploy).
      if (cp === null || cp.version < p.version) await this.readModels.reset(p, cp);
    }
    checkpoints = await this.readModels.checkpoints();
    this.applied = this.lowest(checkpoints);
    this.cursor = this.readFrom(checkpoints);
    this.subscribe();
    if (this.readModels.lease) {
      // Renewed on a timer too, not only when events come: a dead runner's projections are
      // taken over (and caught up) even while nothing new is appended.
      this.leaseTimer = setInterval(() => void this.renewLeasesAndTakeOver(), this.leaseMs / 3);
      this.leaseTimer.unref();
    }
  }

  private subscribe(): void {
    this.subscription = this.store.subscribeToAll({
      after: this.cursor,
      // Catching up, a bigger batch means fewer commits and fewer rewrites of each document;
      // following live appends, batches are as small as the appends anyway.
      batchSize: this.options.batchSize ?? 5000,
      handle: (events) => this.applyBatch(events),
      onError: this.options.onError,
    });
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 3_000;
  }

  /** Renews the leases; on taking a projection over, reads the log again from its checkpoint. */
  private async renewLeasesAndTakeOver(): Promise<void> {
    if (this.renewing || !this.subscription) return;
    this.renewing = true;
    try {
      const before = this.held;
      const held = await this.renewLeases();
      const taken = [...held].filter((name) => !before?.has(name));
      if (taken.length === 0 || !this.subscription) return;
      const sub = this.subscription;
      this.subscription = null;
      await sub.stop();
      this.forgetCache();
      this.cursor = this.readFrom(await this.readModels.checkpoints());
      if (this.leaseTimer) this.subscribe();
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.renewing = false;
    }
  }

  async stop(): Promise<void> {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.leaseTimer = null;
    const sub = this.subscription;
    this.subscription = null;
    if (sub) await sub.stop();
    this.stopWatching();
    if (this.held !== null && this.readModels.release) {
      await this.readModels.release(this.holder).catch((error: unknown) => this.options.onError?.(error));
      this.held = new Set();
      this.renewAt = 0;
    }
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
      this.watchOthers();
    });
  }

  async status(): Promise<ProjectionStatus[]> {
    const [head, checkpoints] = await Promise.all([this.store.headPosition(), this.readModels.checkpoints()]);
    return this.projections.map((p) => {
      const position = checkpoints.get(p.name)?.position ?? 0;
      return { name: p.name, version: p.version, position, lag: Math.max(0, head - position) };
    });
  }

  /** Drops every read model and replays the whole log into it. */
  async rebuild(): Promise<void> {
    await this.stop();
    for (const p of this.projections) {
      // Reset against whatever the checkpoint is now, however often another runner moves it.
      while (!(await this.readModels.reset(p, (await this.readModels.checkpoints()).get(p.name) ?? null)));
    }
    this.forgetCache();
    const head = await this.store.headPosition();
    await this.start();
    await this.waitFor(head, 10 * 60_000);
  }

  /**
   * Applies a batch on the checkpoints as they stand, and commits it only if they still stand
   * there. Answers where to read on from when that is not the batch's end: a projection reset
   * behind it, or a commit refused because another runner got there first.
   */
  private async applyBatch(events: RecordedEvent[]): Promise<void | { resumeAfter: number }> {
    const last = events[events.length - 1].position;
    const checkpoints = await this.readModels.checkpoints();
    const before = checkpointsKey(checkpoints);
    if (before !== this.cachedAt) this.cache.clear();

    const expected = new Map<string, Checkpoint | null>();
    const next = new Map<string, Checkpoint>();
    const held = await this.leases();
    try {
      for (const p of this.projections) {
        // Another runner holds its lease and applies it: we only watch its checkpoint move.
        if (held !== null && !held.has(p.name)) continue;
        const cp = checkpoints.get(p.name) ?? null;
        // Kept by a newer build: our older meaning must never be written over it.
        if (cp !== null && cp.version > p.version) continue;
        // Dropped, or reset by an older build that did not know this rule: ours is the newer meaning.
        if (cp === null || cp.version < p.version) {
          await this.readModels.reset(p, cp);
          return this.resumeFrom(await this.readModels.checkpoints());
        }
        const from = cp.position;
        // Reset (or rebuilt) since we read past it: the events between are not in this batch.
        if (from < this.cursor) return this.resumeFrom(checkpoints);
        if (from >= last) continue;
        for (const event of events) if (event.position > from) await p.apply(event, this.cache);
        expected.set(p.name, cp);
        next.set(p.name, { position: last, version: p.version });
      }
      const changes = this.cache.takeChanges();
      if (next.size > 0 && !(await this.readModels.commit({ expected, next, changes }))) {
        return this.resumeFrom(await this.readModels.checkpoints());
      }
      const after = new Map(checkpoints);
      for (const [name, cp] of next) after.set(name, cp);
      this.cachedAt = checkpointsKey(after);
      this.queries.advance(before, this.cachedAt, changes.map((c) => documentKey(c.collection, c.id)));
      this.reached(this.lowest(after));
      this.cursor = last;
      // Everything in this batch was already applied by another runner: go on from where it is.
      if (this.applied > last) return this.resumeAt(this.applied);
    } catch (error) {
      // Nothing was written: what the batch left in memory must not be built on.
      this.forgetCache();
      throw error;
    }
  }

  /** The projections this runner may apply now: all (null) without leases, else those it holds. */
  private async leases(): Promise<Set<string> | null> {
    if (!this.readModels.lease) return null;
    if (this.held !== null && Date.now() < this.renewAt) return this.held;
    return this.renewLeases();
  }

  private async renewLeases(): Promise<Set<string>> {
    // Trusted locally only until a third of its life has passed, when it certainly still runs.
    const asked = Date.now();
    const held = await this.readModels.lease!(this.projections.map((p) => p.name), this.holder, this.leaseMs);
    this.held = held;
    this.renewAt = asked + this.leaseMs / 3;
    return held;
  }

  private resumeFrom(checkpoints: Map<string, Checkpoint>): { resumeAfter: number } {
    this.forgetCache();
    this.queries.advance(null, checkpointsKey(checkpoints), []);
    this.reached(this.lowest(checkpoints));
    return this.resumeAt(this.readFrom(checkpoints));
  }

  /** Where to read from: the furthest-behind projection this build applies (not one a newer build keeps). */
  private readFrom(checkpoints: Map<string, Checkpoint>): number {
    const ours = this.projections.filter((p) => (checkpoints.get(p.name)?.version ?? 0) <= p.version);
    return ours.length > 0 ? this.lowest(checkpoints, ours) : this.applied;
  }

  private resumeAt(position: number): { resumeAfter: number } {
    this.cursor = position;
    return { resumeAfter: position };
  }

  private forgetCache(): void {
    this.cache.clear();
    this.cachedAt = null;
  }

  /** Where the store says every projection stands: lower than before when one was reset. */
  private reached(position: number): void {
    this.applied = position;
    const ready = this.waiters.filter((w) => w.position <= this.applied);
    this.waiters = this.waiters.filter((w) => w.position > this.applied);
    for (const w of ready) {
      clearTimeout(w.timer);
      w.resolve();
    }
    this.watchOthers();
  }

  /**
   * Read-your-writes when another runner applies some projections: our own batches do not move
   * their checkpoints, so while anyone waits, the checkpoints are looked at until they arrive.
   */
  private watchOthers(): void {
    const others = this.held !== null && this.held.size < this.projections.length;
    if (this.waiters.length === 0 || !others) return this.stopWatching();
    if (this.watching) return;
    this.watching = setInterval(() => {
      void this.readModels.checkpoints().then(
        (checkpoints) => this.reached(this.lowest(checkpoints)),
        (error: unknown) => this.options.onError?.(error),
      );
    }, this.options.watchMs ?? 25);
    this.watching.unref();
  }

  private stopWatching(): void {
    if (this.watching) clearInterval(this.watching);
    this.watching = null;
  }

  private lowest(checkpoints: Map<string, Checkpoint>, projections: readonly Projection[] = this.projections): number {
    return Math.min(...projections.map((p) => checkpoints.get(p.name)?.position ?? 0), Number.MAX_SAFE_INTEGER);
  }
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
  /** Moves whenever the cache is emptied or changed, so a read that straddled it keeps nothing. */
  private generation = 0;
  /** Concurrent reads share one look at the checkpoints. */
  private looking: Promise<string> | null = null;

  constructor(
    private readonly store: ReadModelStore,
    keep: number,
  ) {
    this.parsed = new LRUCache({ max: keep });
  }

  async get<T>(collection: string, id: string): Promise<T | undefined> {
    const now = await this.checkpointsNow();
    if (now !== this.at) this.reset(now);
    const k = documentKey(collection, id);
    const hit = this.parsed.get(k);
    if (hit !== undefined) return hit as T;
    const generation = this.generation;
    const doc = await this.store.get<T>(collection, id);
    if (doc !== undefined) {
      // Shared between requests: frozen, so code that changed one would fail loudly, not
      // quietly change what the next request reads.
      deepFreeze(doc);
      // A batch committed while this read was in flight may have rewritten it: keep it only
      // if nothing moved meanwhile.
      if (generation === this.generation) this.parsed.set(k, doc as object);
    }
    return doc;
  }

  list<T>(collection: string): Promise<T[]> {
    return this.store.list<T>(collection);
  }

  /**
   * After a batch moved the checkpoints from `before` to `after`, rewriting `written` (a null
   * `before`: someone else moved them).
   */
  advance(before: string | null, after: string, written: readonly string[]): void {
    if (before === null || this.at !== before) {
      this.reset(after);
      return;
    }
    this.generation += 1;
    for (const k of written) this.parsed.delete(k);
    this.at = after;
  }

  private reset(at: string): void {
    this.parsed.clear();
    this.generation += 1;
    this.at = at;
  }

  private checkpointsNow(): Promise<string> {
    if (!this.looking) {
      const looking = this.store.checkpoints().then(checkpointsKey);
      this.looking = looking;
      const done = () => {
        if (this.looking === looking) this.looking = null;
      };
      looking.then(done, done);
    }
    return this.looking;
  }
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
}
