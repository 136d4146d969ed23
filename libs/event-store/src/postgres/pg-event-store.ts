import { EventEmitter } from 'node:events';
import { LRUCache } from 'lru-cache';
import { escapeLiteral, type Pool, type PoolClient, type QueryResult } from 'pg';
import {
  AppendResult,
  ConcurrencyError,
  DuplicateEventError,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreUnavailableError,
  StreamEventData,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { followLog, waitForAppendOrPoll } from '../follow-log';
import { chainHash, GENESIS_HASH } from '../hash-chain';
import { ChainAnchors, VerifyReport } from '../verify-chain';
import { verifyPgChain } from './pg-chain';
import { isUnavailable, toPgStoreError } from './pg-errors';
import { migratePg, PgMigration } from './pg-migrations';
import { GroupOutcome, settleGroup } from '../group-commit';

/** Append-only: never edit a shipped migration, add a new one. */
export const EVENT_STORE_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'events and checkpoints',
    // Text columns, not jsonb: the hash chain is checked against the rows exactly as written,
    // and jsonb would reorder keys and renormalise numbers. recorded_at is the ISO text that was hashed.
    sql: `
      CREATE TABLE events (
        position    BIGINT  PRIMARY KEY,
        id          TEXT    NOT NULL UNIQUE,
        stream_id   TEXT    NOT NULL,
        revision    INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        data        TEXT    NOT NULL,
        metadata    TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL,
        prev_hash   TEXT    NOT NULL,
        hash        TEXT    NOT NULL,
        UNIQUE (stream_id, revision)
      );
      CREATE TABLE checkpoints (
        name       TEXT PRIMARY KEY,
        position   BIGINT NOT NULL,
        updated_at TEXT NOT NULL
      );`,
  },
];

/**
 * Key of the transaction-scoped advisory lock every append transaction takes first. Taken for
 * the transaction only (pg_advisory_xact_lock): released by COMMIT or ROLLBACK, never left
 * behind by a dead session, and usable through PgBouncer's transaction pooling.
 */
export const APPEND_LOCK_KEY = 0x707a_6170_7064; // "pzappd"

export interface PgEventStoreOptions {
  pool: Pool;
  /** How often subscriptions look for events appended by other processes. */
  pollIntervalMs?: number;
  /** close() ends the pool as well (the store was given a pool of its own). */
  ownsPool?: boolean;
}

const COLUMNS = 'position, id, stream_id, revision, type, data, metadata, recorded_at, prev_hash, hash';
type EventRow = [number, string, string, number, string, string, string, string, string, string];

interface PendingAppend {
  kind: 'append';
  streamId: string;
  events: NewEvent[];
  /** data and metadata as JSON text, made when the append was asked for: a payload that cannot be serialised fails alone. */
  texts: [string, string][];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface PendingCheckpoint {
  kind: 'checkpoint';
  name: string;
  position: number;
  resolve(): void;
  reject(error: unknown): void;
}

type PendingWrite = PendingAppend | PendingCheckpoint;

/** An event this process wrote, as its row holds it (data and metadata as stored text). */
interface WrittenRow {
  position: number;
  id: string;
  streamId: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

/** How many of its own latest events a process keeps to hand its subscribers without a query. */
const RECENT_ROWS = 2_000;
type Outcome = GroupOutcome;

/**
 * The event store on PostgreSQL, for any number of processes on any number of machines.
 *
 * Positions are given out inside the append transaction, under a transaction-scoped advisory
 * lock, so a position is visible before the next one is even assigned: the log has no gaps, a
 * reader polling `position > checkpoint` can never step over an event that commits late, and
 * the global hash chain runs over the whole log exactly as in SQLite. The lock serialises
 * appends; throughput comes back from group commit: while one transaction holds the lock (or
 * waits for it), every append this process is asked for queues, and the queue is written next
 * as one transaction, in two round trips and one WAL flush, whatever its size.
 */
export class PgEventStore implements EventStore {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;
  private readonly appended = new EventEmitter();
  private readonly pollIntervalMs: number;
  private pending: PendingWrite[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  /** The log's head as our last commit left it: what a one-round-trip append guesses is still the head. */
  private lastHead: { position: number; hash: string } | null = null;
  /** After a wrong guess, groups to write the careful way before guessing again (doubling, at most 64). */
  private guessSkips = 0;
  private guessMisses = 0;
  /**
   * Last revisions of streams as of `lastHead`: emptied whenever another process is found to
   * have appended since our last commit, so an entry is exact while the head is still ours, and a
   * guess on it needs no guard statement.
   */
  private readonly knownStreams = new LRUCache<string, number>({ max: 10_000 });
  /**
   * This process's latest committed events by position. Its subscribers (projections, the
   * worker's processors) are woken by its own appends and would each read them back at once;
   * a run of consecutive positions found here is exactly what the log holds there.
   */
  private readonly recent = new Map<number, WrittenRow>();
  private readonly recentOrder: number[] = [];

  /** Migrates the schema (safe when several processes start at once), then opens the store. */
  static async open(options: PgEventStoreOptions): Promise<PgEventStore> {
    try {
      await migratePg(options.pool, 'event-store', EVENT_STORE_MIGRATIONS);
    } catch (error) {
      throw toPgStoreError(error, 'Event store');
    }
    return new PgEventStore(options);
  }

  private constructor(private readonly options: PgEventStoreOptions) {
    this.pool = options.pool;
    // Shorter than SQLite's: with projection leases, a write made through one process is applied
    // by the process holding the lease, which finds it by this poll. 20 cheap indexed queries a
    // second per process.
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.appended.setMaxListeners(0);
  }

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('Event store is closed'));
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    let texts: [string, string][];
    try {
      texts = events.map((e) => [JSON.stringify(e.data), JSON.stringify(e.metadata)]);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => this.enqueue({ kind: 'append', streamId, events, texts, expected, resolve, reject }));
  }

  /** Joins the group commit, as in SQLite: a processor's checkpoint rides with the appends of its moment. */
  saveCheckpoint(name: string, position: number): Promise<void> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('Event store is closed'));
    return new Promise((resolve, reject) => this.enqueue({ kind: 'checkpoint', name, position, resolve, reject }));
  }

  private enqueue(write: PendingWrite): void {
    this.pending.push(write);
    this.draining ??= this.drain();
  }

  /** One group at a time per process: whatever queued while a group was written is the next group. */
  private async drain(): Promise<void> {
    // Let the appends of this turn of the event loop join the first group.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      await this.writeGroup(group);
    }
    this.draining = null;
  }

  private async writeGroup(group: PendingWrite[]): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      const failure = toPgStoreError(error, 'Event store');
      for (const request of group) request.reject(failure);
      return;
    }
    let broken = false;
    try {
      let outcomes: Outcome[] | null = null;
      if (group.every((r) => r.kind === 'checkpoint')) {
        try {
          outcomes = await this.writeCheckpoints(client, group as PendingCheckpoint[]);
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      } else if (this.mayGuess(group)) {
        try {
          outcomes = await this.writeOnGuess(client, group);
          this.guessMisses = 0;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (isUnavailable(error)) throw error;
          // Another process appended, a stream was not where its caller thought, or an id was
          // stored before: the careful way below finds out which, and answers as it always has.
          this.forgetHead();
          this.guessMisses += 1;
          this.guessSkips = Math.min(64, 2 ** this.guessMisses);
        }
      }
      if (!outcomes) {
        try {
          outcomes = await this.writeInTransaction(client, group);
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (isUnavailable(error) || group.length === 1) throw error;
          // Something no check foresaw failed the whole group: write each on its own, so only
          // the culprit fails (what a savepoint per append would give, without its round trips).
          outcomes = [];
          for (const request of group) {
            try {
              outcomes.push((await this.writeInTransaction(client, [request]))[0]);
            } catch (one) {
              await client.query('ROLLBACK').catch(() => undefined);
              this.forgetHead();
              if (isUnavailable(one)) throw one;
              outcomes.push({ ok: false, error: toAppendError(one) });
            }
          }
        }
      }
      if (settleGroup(group, outcomes) > 0) this.appended.emit('appended');
    } catch (error) {
      this.forgetHead();
      broken = isUnavailable(error);
      const failure = toAppendError(error);
      for (const request of group) request.reject(failure);
    } finally {
      client.release(broken);
    }
  }

  /**
   * One transaction for the whole group, in two round trips: the first begins, waits for the
   * append lock and reads under it the head and what the group needs to check (its streams' last
   * revisions, its event ids already stored); the second writes the rows and commits. In READ
   * COMMITTED each statement sees what committed before it started, so what is read after the
   * lock includes the previous holder's last event. Values are sent as escaped literals in one
   * simple-protocol message: parameters would cost a round trip per statement (and the simple
   * protocol is what PgBouncer's transaction pooling handles best). `outcomes[i]` is what
   * `group[i]` comes to.
   */
  private async writeInTransaction(client: PoolClient, group: PendingWrite[]): Promise<Outcome[]> {
    const appends = group.filter((r): r is PendingAppend => r.kind === 'append');
    const streams = [...new Set(appends.map((a) => a.streamId))];
    const ids = appends.flatMap((a) => a.events.map((e) => e.id));
    const lookUp =
      appends.length === 0
        ? ''
        : `; SELECT stream_id, NULL AS id, max(revision) AS revision, NULL::bigint AS position FROM events WHERE stream_id IN (${streams.map(escapeLiteral).join(', ')}) GROUP BY stream_id
           UNION ALL SELECT stream_id, id, revision, position FROM events WHERE id IN (${ids.map(escapeLiteral).join(', ')})`;
    const results = (await client.query(
      `BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY}); SELECT position, hash FROM events ORDER BY position DESC LIMIT 1${lookUp}`,
    )) as unknown as QueryResult[];
    const head = results[2].rows[0] as { position: number; hash: string } | undefined;
    const chain = { position: head?.position ?? 0, hash: head?.hash ?? GENESIS_HASH };
    // Someone else appended since our last commit: what we knew of streams may be stale.
    if (this.lastHead?.position !== chain.position || this.lastHead.hash !== chain.hash) this.knownStreams.clear();
    const streamHeads = new Map<string, number>();
    const stored = new Map<string, { streamId: string; revision: number; position: number }>();
    for (const row of (results[3]?.rows ?? []) as { stream_id: string; id: string | null; revision: number; position: number | null }[]) {
      if (row.id === null) streamHeads.set(row.stream_id, row.revision);
      else stored.set(row.id, { streamId: row.stream_id, revision: row.revision, position: row.position! });
    }

    const { outcomes, writes, written } = this.layOut(group, chain, streamHeads, stored);
    // An error in any statement skips the rest of the message, COMMIT included.
    await client.query([...writes, 'COMMIT'].join('; '));
    this.committed(chain, streamHeads, written);
    return outcomes;
  }

  /**
   * Processors' checkpoints with no append beside them: no append lock, and no wait for the WAL
   * flush (synchronous_commit off for this transaction), as losing the last one to a crash only
   * means handling a few events again, which processors do idempotently anyway.
   */
  private async writeCheckpoints(client: PoolClient, group: PendingCheckpoint[]): Promise<Outcome[]> {
    const latest = new Map(group.map((r) => [r.name, r.position]));
    const at = escapeLiteral(new Date().toISOString());
    const values = [...latest].map(([name, position]) => `(${escapeLiteral(name)}, ${integer(position)}, ${at})`);
    await client.query(
      `BEGIN; SET LOCAL synchronous_commit = off; INSERT INTO checkpoints (name, position, updated_at) VALUES ${values.join(', ')}
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at; COMMIT`,
    );
    return group.map(() => ({ ok: true }));
  }

  /** After our commit: the head is ours, these streams stand where the group left them, these rows are in the log. */
  private committed(chain: { position: number; hash: string }, streamHeads: Map<string, number>, written: WrittenRow[]): void {
    this.lastHead = { ...chain };
    for (const [stream, revision] of streamHeads) this.knownStreams.set(stream, revision);
    for (const row of written) {
      this.recent.set(row.position, row);
      this.recentOrder.push(row.position);
    }
    while (this.recentOrder.length > RECENT_ROWS) this.recent.delete(this.recentOrder.shift()!);
  }

  /** Events right after `after` from this process's own latest commits, when it has them (null: ask the database). */
  private recentAfter(after: number, max: number): RecordedEvent[] | null {
    const out: RecordedEvent[] = [];
    for (let position = after + 1; out.length < max; position++) {
      const row = this.recent.get(position);
      if (!row) break;
      out.push({ ...row, data: JSON.parse(row.data) as unknown, metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'] });
    }
    return out.length > 0 ? out : null;
  }

  private forgetHead(): void {
    this.lastHead = null;
    this.knownStreams.clear();
  }

  /** Whether to try the group in one round trip: we know the head, and every append names the revision it expects. */
  private mayGuess(group: PendingWrite[]): boolean {
    if (this.lastHead === null) return false;
    if (this.guessSkips > 0) {
      this.guessSkips -= 1;
      return false;
    }
    return group.every((r) => r.kind === 'checkpoint' || r.expected === 'no_stream' || typeof r.expected === 'number');
  }

  /**
   * The group in one round trip, on the guess that nothing changed since our last commit: the
   * head is still ours, each stream is at the revision its first append expects, no id is stored.
   * The database checks the guess where it stands, under the lock: a position or (stream,
   * revision) already taken, or an id already stored, breaks a unique key; a stream behind what
   * was expected fails the guard (left out for streams whose revision we know from our own commits). Any of those fails the whole message before COMMIT, and the
   * careful two-round-trip way runs instead. Sequential appends from one process, the common
   * case, then cost one round trip and one WAL flush.
   */
  private async writeOnGuess(client: PoolClient, group: PendingWrite[]): Promise<Outcome[]> {
    const chain = { ...this.lastHead! };
    const streamHeads = new Map<string, number>();
    const seen = new Set<string>();
    const guarded: string[] = [];
    for (const request of group) {
      if (request.kind !== 'append' || seen.has(request.streamId)) continue;
      seen.add(request.streamId);
      if (typeof request.expected === 'number') {
        streamHeads.set(request.streamId, request.expected);
        // Known exactly while the head is ours; otherwise the database must confirm it.
        if (this.knownStreams.get(request.streamId) !== request.expected) {
          guarded.push(`(${escapeLiteral(request.streamId)}, ${integer(request.expected)})`);
        }
      }
    }
    const { outcomes, writes, written } = this.layOut(group, chain, streamHeads, new Map());
    const guard =
      guarded.length === 0
        ? []
        : [`SELECT 1 / (CASE WHEN (SELECT count(*) FROM events WHERE (stream_id, revision) IN (${guarded.join(', ')})) = ${guarded.length} THEN 1 ELSE 0 END)`];
    await client.query(['BEGIN', `SELECT pg_advisory_xact_lock(${APPEND_LOCK_KEY})`, ...guard, ...writes, 'COMMIT'].join('; '));
    this.committed(chain, streamHeads, written);
    return outcomes;
  }

  /** Each request of the group checked against the state given and laid out as SQL; `outcomes[i]` is `group[i]`'s. */
  private layOut(
    group: PendingWrite[],
    chain: { position: number; hash: string },
    streamHeads: Map<string, number>,
    stored: Map<string, { streamId: string; revision: number; position: number }>,
  ): { outcomes: Outcome[]; writes: string[]; written: WrittenRow[] } {
    const rows: WrittenRow[] = [];
    const checkpoints = new Map<string, number>();
    const recordedAt = new Date().toISOString();
    const outcomes: Outcome[] = group.map((request) => {
      if (request.kind === 'checkpoint') {
        checkpoints.set(request.name, request.position);
        return { ok: true };
      }
      try {
        return { ok: true, result: this.place(request, chain, streamHeads, stored, rows, recordedAt) };
      } catch (error) {
        return { ok: false, error };
      }
    });

    const writes: string[] = [];
    if (rows.length > 0) writes.push(`INSERT INTO events (${COLUMNS}) VALUES ${rows.map(rowValues).join(', ')}`);
    if (checkpoints.size > 0) {
      const values = [...checkpoints].map(([name, position]) => `(${escapeLiteral(name)}, ${integer(position)}, ${escapeLiteral(recordedAt)})`);
      writes.push(
        `INSERT INTO checkpoints (name, position, updated_at) VALUES ${values.join(', ')}
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      );
    }
    return { outcomes, writes, written: rows };
  }

  /**
   * Checks one append against the state so far (the database's, plus this group's appends
   * before it) and lays out its rows. Throws, changing nothing, when it must be refused.
   */
  private place(
    request: PendingAppend,
    chain: { position: number; hash: string },
    streamHeads: Map<string, number>,
    stored: Map<string, { streamId: string; revision: number; position: number }>,
    rows: WrittenRow[],
    recordedAt: string,
  ): AppendResult {
    const { streamId, events, expected } = request;
    const already = alreadyStored(streamId, events, stored);
    if (already) return already;

    const current = streamHeads.get(streamId) ?? -1;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === -1) ||
      (expected === 'exists' && current >= 0) ||
      (typeof expected === 'number' && expected === current);
    if (!ok) throw new ConcurrencyError(streamId, expected, current === -1 ? 'no_stream' : current);

    const laidOut: WrittenRow[] = [];
    let { position, hash } = chain;
    let revision = current;
    for (const [i, event] of events.entries()) {
      revision += 1;
      position += 1;
      const prevHash = hash;
      hash = chainHash(prevHash, { id: event.id, streamId, revision, position, type: event.type, data: event.data, metadata: event.metadata, recordedAt });
      laidOut.push({ position, id: event.id, streamId, revision, type: event.type, data: request.texts[i][0], metadata: request.texts[i][1], recordedAt, prevHash, hash });
    }
    // Only now that nothing can throw does the group's state move on.
    rows.push(...laidOut);
    events.forEach((event, i) => stored.set(event.id, { streamId, revision: current + 1 + i, position: chain.position + 1 + i }));
    streamHeads.set(streamId, revision);
    chain.position = position;
    chain.hash = hash;
    return { nextExpectedRevision: revision, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = await this.streamRows<EventRow>(COLUMNS, streamId, options);
    return rows.map(toRecorded);
  }

  async readStreamData(streamId: string, options: ReadStreamOptions = {}): Promise<StreamEventData[]> {
    const rows = await this.streamRows<[string, string, number, number]>('type, data, revision, position', streamId, options);
    return rows.map(([type, data, revision, position]) => ({ type, data: JSON.parse(data) as unknown, revision, position }));
  }

  private async streamRows<R>(columns: string, streamId: string, options: ReadStreamOptions): Promise<R[]> {
    const from = options.fromRevision ?? 0;
    const whole = from <= 0 && options.maxCount === undefined;
    return this.rows<R>(
      whole
        ? `SELECT ${columns} FROM events WHERE stream_id = $1 ORDER BY revision`
        : `SELECT ${columns} FROM events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
      whole ? [streamId] : [streamId, from, options.maxCount ?? null],
    );
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const max = options.maxCount === undefined || options.maxCount < 0 ? null : options.maxCount;
    const rows = await this.rows<EventRow>(`SELECT ${COLUMNS} FROM events WHERE position > $1 ORDER BY position LIMIT $2`, [options.after ?? 0, max]);
    return rows.map(toRecorded);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return followLog({
      after: options.after,
      batchSize: options.batchSize ?? 500,
      read: async (after, max) => this.recentAfter(after, max) ?? this.readAll({ after, maxCount: max }),
      handle: options.handle,
      onError: options.onError,
      // This process's appends wake us at once; other processes' are found by polling (LISTEN
      // would need a session of its own, which PgBouncer's transaction pooling does not give).
      waitForMore: (signal) => waitForAppendOrPoll(this.appended, this.pollIntervalMs, signal),
    });
  }

  async headPosition(): Promise<number> {
    const rows = await this.rows<[number | null]>('SELECT max(position) FROM events', []);
    return rows[0][0] ?? 0;
  }

  async loadCheckpoint(name: string): Promise<number | null> {
    const rows = await this.rows<[number]>('SELECT position FROM checkpoints WHERE name = $1', [name]);
    return rows[0]?.[0] ?? null;
  }

  async verifyChain(anchors: ChainAnchors = {}): Promise<VerifyReport> {
    return verifyPgChain(this.pool, anchors);
  }

  async ping(): Promise<void> {
    await this.rows('SELECT 1', []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.draining;
    this.appended.emit('appended');
    if (this.options.ownsPool) await this.pool.end();
  }

  private async rows<R>(text: string, values: unknown[]): Promise<R[]> {
    if (this.closed) throw new StoreUnavailableError('Event store is closed');
    try {
      return (await this.pool.query<R & unknown[]>({ text, values, rowMode: 'array' })).rows;
    } catch (error) {
      throw toPgStoreError(error, 'Event store');
    }
  }
}

/** As in SQLite: a retried append returns the first result; ids stored elsewhere, or half a batch, are a caller's bug. */
function alreadyStored(
  streamId: string,
  events: NewEvent[],
  stored: Map<string, { streamId: string; revision: number; position: number }>,
): AppendResult | null {
  let found = 0;
  let last: { revision: number; position: number } | undefined;
  for (const event of events) {
    const row = stored.get(event.id);
    if (!row) continue;
    if (row.streamId !== streamId) throw new DuplicateEventError(event.id, 'already stored in another stream');
    found += 1;
    last = row;
  }
  if (found === 0) return null;
  if (found < events.length) throw new DuplicateEventError(events[0].id, 'only part of this batch was stored before');
  return { nextExpectedRevision: last!.revision, position: last!.position };
}

/** One row of an INSERT, every text an escaped literal. */
function rowValues(r: WrittenRow): string {
  const texts = [r.type, r.data, r.metadata, r.recordedAt, r.prevHash, r.hash].map(escapeLiteral).join(', ');
  return `(${integer(r.position)}, ${escapeLiteral(r.id)}, ${escapeLiteral(r.streamId)}, ${integer(r.revision)}, ${texts})`;
}

/** A position or revision as SQL text: only ever a safe integer this code computed. */
function integer(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    position: row[0],
    id: row[1],
    streamId: row[2],
    revision: row[3],
    type: row[4],
    data: JSON.parse(row[5]) as unknown,
    metadata: JSON.parse(row[6]) as RecordedEvent['metadata'],
    recordedAt: row[7],
    prevHash: row[8],
    hash: row[9],
  };
}

function toAppendError(error: unknown): unknown {
  if ((error as { code?: string }).code === '23505') return new DuplicateEventError('?', 'id already stored');
  return toPgStoreError(error, 'Event store');
}
