import { LRUCache } from 'lru-cache';

/**
 * The read side's ports. Projections write documents (JSON, by collection and id) through a
 * `DocumentStore`; queries read them through a `DocumentReader`; both sit on a `ReadModelStore`,
 * which an embedded SQLite file or a shared database implements. Every method that may reach
 * storage is asynchronous, so any store can stand behind it; the SQLite adapter answers at once.
 */

/** What a projection sees while it applies one batch of events. */
export interface DocumentStore {
  get<T>(collection: string, id: string): Promise<T | undefined>;
  put<T>(collection: string, id: string, doc: T): void;
  delete(collection: string, id: string): void;
  /**
   * Loads a document, changes it and puts the result back; does nothing when there is no such
   * document. Resolves to the changed document, or undefined when there was none.
   */
  update<T>(collection: string, id: string, change: (doc: T) => T): Promise<T | undefined>;
}

/** What queries read. Documents may be shared between callers: never change one. */
export interface DocumentReader {
  get<T>(collection: string, id: string): Promise<T | undefined>;
  /** Every document of a collection, ordered by id. */
  list<T>(collection: string): Promise<T[]>;
}

/** How far a projection has applied the log, and under which version of its code. */
export interface Checkpoint {
  position: number;
  version: number;
}

/** A document written (`doc`) or deleted (`doc: null`) by a batch. */
export interface DocumentChange {
  collection: string;
  id: string;
  doc: unknown | null;
}

export interface CommitBatch {
  /**
   * Each projection this batch moves, with the checkpoint the batch was applied on (null: none
   * stored yet). The batch is written only if every one of them is still exactly that.
   */
  expected: ReadonlyMap<string, Checkpoint | null>;
  /** Where those projections stand after the batch. */
  next: ReadonlyMap<string, Checkpoint>;
  changes: readonly DocumentChange[];
}

/** The projection as the store needs to know it to reset it. */
export interface ProjectionShape {
  name: string;
  version: number;
  collections: readonly string[];
}

/**
 * Where read models live. Writes are conditional on the checkpoints, so any number of runners
 * in any number of processes may share one store: a batch applied on checkpoints that someone
 * else has moved meanwhile is refused whole, and its runner reads the log again from where the
 * store says it stands.
 */
export interface ReadModelStore {
  readonly kind: string;
  get<T>(collection: string, id: string): Promise<T | undefined>;
  list<T>(collection: string): Promise<T[]>;
  /** Every projection's checkpoint (any runner's). */
  checkpoints(): Promise<Map<string, Checkpoint>>;
  /** Writes a batch and moves its checkpoints in one transaction; false, writing nothing, when a checkpoint moved. */
  commit(batch: CommitBatch): Promise<boolean>;
  /**
   * Empties a projection's collections and sets its checkpoint to 0 at its version, in one
   * transaction, if its checkpoint is still `expected`; false, changing nothing, otherwise.
   */
  reset(projection: ProjectionShape, expected: Checkpoint | null): Promise<boolean>;
  /**
   * Optional leases, so that of several runners sharing a store one applies each projection and
   * the others only read: takes or renews, for `holder` and `ttlMs`, the lease of each named
   * projection that is free, expired or already its own, and answers the names it holds now. A
   * runner that dies simply stops renewing; its leases expire. Without leases every runner
   * applies every batch and the conditional commit keeps the first (correct, but work wasted).
   */
  lease?(projections: readonly string[], holder: string, ttlMs: number): Promise<Set<string>>;
  /** Gives up `holder`'s leases (a clean stop), so no one has to wait for them to expire. */
  release?(holder: string): Promise<void>;
  /** The documents of `collections` (keyed `collection/id`) and every checkpoint, as of one moment. */
  snapshot(collections: readonly string[]): Promise<{ checkpoints: Map<string, Checkpoint>; documents: Map<string, unknown> }>;
  close(): Promise<void>;
}

export const READ_MODEL_STORE = Symbol('ReadModelStore');

export function documentKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

/** The checkpoints as one comparable string. */
export function checkpointsKey(checkpoints: ReadonlyMap<string, Checkpoint>): string {
  return [...checkpoints]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, c]) => `${name}=${c.position}@${c.version}`)
    .join(',');
}

/**
 * A projection batch's documents: each is loaded from the store at most once and changed in
 * memory; `takeChanges` hands over what changed, for the store to write in one commit.
 *
 * With `keep` > 0 documents outlive a batch: up to `keep` of them (least recently used dropped
 * first) stay parsed for the next batch, so a rebuild or a busy document reads the store about
 * once instead of once per batch. What a batch changed is held apart until it is taken, so it
 * is never dropped unwritten. Its owner must `clear()` it whenever the store may have changed
 * under it.
 */
export class BatchDocuments implements DocumentStore {
  /** This batch's writes and deletions (null), not yet taken. */
  private readonly changed = new Map<string, DocumentChange>();
  private readonly kept: LRUCache<string, { doc: unknown }> | null;

  constructor(
    private readonly load: <T>(collection: string, id: string) => Promise<T | undefined>,
    keep = 0,
  ) {
    this.kept = keep > 0 ? new LRUCache({ max: keep }) : null;
  }

  async get<T>(collection: string, id: string): Promise<T | undefined> {
    const k = documentKey(collection, id);
    const change = this.changed.get(k);
    if (change) return change.doc === null ? undefined : (change.doc as T);
    const hit = this.kept?.get(k);
    if (hit) return hit.doc as T;
    const doc = await this.load<T>(collection, id);
    // A write made while the load was in flight is newer than what was loaded.
    if (doc !== undefined && !this.changed.has(k)) this.kept?.set(k, { doc });
    return doc;
  }

  put<T>(collection: string, id: string, doc: T): void {
    this.set(collection, id, doc);
  }

  delete(collection: string, id: string): void {
    this.set(collection, id, null);
  }

  update<T>(collection: string, id: string, change: (doc: T) => T): Promise<T | undefined> {
    return updateDocument(this, collection, id, change);
  }

  private set(collection: string, id: string, doc: unknown | null): void {
    const k = documentKey(collection, id);
    this.kept?.delete(k);
    this.changed.set(k, { collection, id, doc });
  }

  /** What changed since the last call, now counted as written (and kept parsed for later batches). */
  takeChanges(): DocumentChange[] {
    const changes = [...this.changed.values()];
    for (const [k, change] of this.changed) if (change.doc !== null) this.kept?.set(k, { doc: change.doc });
    this.changed.clear();
    return changes;
  }

  /** Forgets everything, written or not. */
  clear(): void {
    this.changed.clear();
    this.kept?.clear();
  }
}

/**
 * Documents held in memory only: for rebuilding a read model aside (a replay to compare, an
 * application as it stood at a moment) without touching the live store.
 */
export class MemoryDocuments implements DocumentStore {
  private readonly docs = new Map<string, { collection: string; id: string; doc: unknown }>();

  async get<T>(collection: string, id: string): Promise<T | undefined> {
    return this.docs.get(documentKey(collection, id))?.doc as T | undefined;
  }

  /** The same, for callers that hold no batch open: what is there now. */
  peek<T>(collection: string, id: string): T | undefined {
    return this.docs.get(documentKey(collection, id))?.doc as T | undefined;
  }

  put<T>(collection: string, id: string, doc: T): void {
    this.docs.set(documentKey(collection, id), { collection, id, doc });
  }

  delete(collection: string, id: string): void {
    this.docs.delete(documentKey(collection, id));
  }

  update<T>(collection: string, id: string, change: (doc: T) => T): Promise<T | undefined> {
    return updateDocument(this, collection, id, change);
  }

  /** Every document of the given collections, keyed `collection/id`, as `ReadModelStore.snapshot` keys them. */
  snapshot(collections: readonly string[]): Map<string, unknown> {
    const wanted = new Set(collections);
    const out = new Map<string, unknown>();
    const sorted = [...this.docs.values()].filter((d) => wanted.has(d.collection)).sort((a, b) => compareKeys(a, b));
    for (const d of sorted) out.set(`${d.collection}/${d.id}`, d.doc);
    return out;
  }
}

function compareKeys(a: { collection: string; id: string }, b: { collection: string; id: string }): number {
  if (a.collection !== b.collection) return a.collection < b.collection ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Load, change, put: what `update` means for any DocumentStore, built on its own get and put. */
async function updateDocument<T>(docs: DocumentStore, collection: string, id: string, change: (doc: T) => T): Promise<T | undefined> {
  const doc = await docs.get<T>(collection, id);
  if (doc === undefined || doc === null) return undefined;
  const next = change(doc);
  docs.put<T>(collection, id, next);
  return next;
}
