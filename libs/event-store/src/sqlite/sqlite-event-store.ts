import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { GroupOutcome, settleGroup } from '../group-commit';
import Database from 'better-sqlite3';
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
  StreamEventData,
  StoreUnavailableError,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { chainHash, GENESIS_HASH } from '../hash-chain';
import { migrate } from './migrations';
import { followLog, waitForAppendOrPoll } from '../follow-log';
import { ChainAnchors, verifyGlobalChain, VerifyReport } from '../verify-chain';
import { COLUMNS, EventRow, fromEventRow } from './event-rows';
import { sqliteLinks, verifySqliteChain } from './sqlite-chain';

export interface SqliteEventStoreOptions {
  path: string;
  /** How long a writer waits for another process's write lock before giving up (503). */
  busyTimeoutMs?: number;
  /** How often subscriptions look for events appended by other processes. */
  pollIntervalMs?: number;
}

interface PendingAppend {
  kind: 'append';
  streamId: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** A processor's checkpoint, written in the same transaction (and fsync) as the next appends. */
interface PendingCheckpoint {
  kind: 'checkpoint';
  name: string;
  position: number;
  resolve(result: void): void;
  reject(error: unknown): void;
}

type PendingWrite = PendingAppend | PendingCheckpoint;

type Outcome = GroupOutcome;

/** SQLite error codes that mean "the store cannot take this write now", as opposed to a bug. */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|READONLY|FULL|IOERR|CANTOPEN|CORRUPT|NOTADB|PERM)/;

/**
 * Embedded event store on one SQLite file (WAL, synchronous=FULL).
 *
 * Appends made in the same tick are group-committed: one transaction and one fsync for the
 * whole group, each append inside its own savepoint so one conflict does not fail its neighbours.
 * Positions are assigned inside the write transaction, so committed positions have no gaps and
 * the hash chain runs over the whole global log even with several processes on one file.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly pollIntervalMs: number;
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly statements;
  /** Made once: better-sqlite3 prepares BEGIN/COMMIT/ROLLBACK for every transaction() call. */
  private readonly writeGroup;

  constructor(private readonly options: SqliteEventStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.appended.setMaxListeners(0);
    migrate(this.db);
    this.statements = {
      head: this.db.prepare('SELECT position, hash FROM events ORDER BY position DESC LIMIT 1'),
      streamHead: this.db.prepare(
        'SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
      ),
      byId: this.db.prepare('SELECT stream_id, revision, position FROM events WHERE id = ?'),
      insert: this.db.prepare(
        `INSERT INTO events (position, id, stream_id, revision, type, data, metadata, recorded_at, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // Rows as arrays (raw): better-sqlite3 builds a keyed object per row slowly, and
      // toRecorded builds the event object anyway. Reading a whole stream, the common case,
      // has its own statement: the range and LIMIT make SQLite do measurably more work per row.
      readStream: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? ORDER BY revision`).raw(),
      readStreamRange: this.db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`)
        .raw(),
      // What a fold needs, without materialising and parsing the other columns.
      readStreamData: this.db.prepare('SELECT type, data, revision, position FROM events WHERE stream_id = ? ORDER BY revision').raw(),
      readStreamDataRange: this.db
        .prepare('SELECT type, data, revision, position FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?')
        .raw(),
      readAll: this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw(),
      savepoint: this.db.prepare('SAVEPOINT append_one'),
      release: this.db.prepare('RELEASE append_one'),
      rollbackTo: this.db.prepare('ROLLBACK TO append_one'),
      loadCheckpoint: this.db.prepare('SELECT position FROM checkpoints WHERE name = ?'),
      saveCheckpoint: this.db.prepare(
        `INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      ),
    };
    this.writeGroup = this.db.transaction((group: PendingWrite[], outcomes: Outcome[]) =>
      this.writeGroupInTransaction(group, outcomes),
    );
  }

  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('Event store is closed'));
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise((resolve, reject) => this.enqueue({ kind: 'append', streamId, events, expected, resolve, reject }));
  }

  private enqueue(write: PendingWrite): void {
    this.pending.push(write);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const group = this.pending;
    this.pending = [];
    if (group.length === 0) return;
    const outcomes: Outcome[] = [];
    try {
      this.writeGroup.immediate(group, outcomes);
    } catch (error) {
      const failure = toStoreError(error);
      for (const request of group) request.reject(failure);
      return;
    }
    if (settleGroup(group, outcomes) > 0) this.appended.emit('appended');
  }

  /** The body of a group commit's transaction; `outcomes[i]` is what `group[i]` comes to. */
  private writeGroupInTransaction(group: PendingWrite[], outcomes: Outcome[]): void {
    const head = this.statements.head.get() as { position: number; hash: string } | undefined;
    const chain = { position: head?.position ?? 0, hash: head?.hash ?? GENESIS_HASH };
    if (group.length === 1) {
      // Alone in its transaction: a failure rolls the whole transaction back, which is all a
      // savepoint would do, and the caller gets the same error from the catch in flush().
      outcomes.push({ ok: true, result: this.writeOne(group[0], chain) });
      return;
    }
    for (const request of group) {
      const before = { ...chain };
      this.statements.savepoint.run();
      try {
        const result = this.writeOne(request, chain);
        this.statements.release.run();
        outcomes.push({ ok: true, result });
      } catch (error) {
        this.statements.rollbackTo.run();
        this.statements.release.run();
        Object.assign(chain, before);
        outcomes.push({ ok: false, error: toStoreError(error) });
      }
    }
  }

  private writeOne(request: PendingWrite, chain: { position: number; hash: string }): AppendResult | undefined {
    if (request.kind === 'append') return this.appendInTransaction(request, chain);
    this.statements.saveCheckpoint.run(request.name, request.position, new Date().toISOString());
    return undefined;
  }

  private appendInTransaction(
    request: PendingAppend,
    chain: { position: number; hash: string },
  ): AppendResult {
    const { streamId, events, expected } = request;
    const already = this.alreadyStored(streamId, events);
    if (already) return already;

    const headRow = this.statements.streamHead.get(streamId) as { revision: number } | undefined;
    const current = headRow?.revision ?? -1;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === -1) ||
      (expected === 'exists' && current >= 0) ||
      (typeof expected === 'number' && expected === current);
    if (!ok) throw new ConcurrencyError(streamId, expected, current === -1 ? 'no_stream' : current);

    const recordedAt = new Date().toISOString();
    let revision = current;
    for (const event of events) {
      revision += 1;
      const position = chain.position + 1;
      const hash = chainHash(chain.hash, {
        id: event.id,
        streamId,
        revision,
        position,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
        recordedAt,
      });
      // Positional, in the column order above: binding by name costs a lookup per column.
      this.statements.insert.run(
        position,
        event.id,
        streamId,
        revision,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        recordedAt,
        chain.hash,
        hash,
      );
      chain.position = position;
      chain.hash = hash;
    }
    return { nextExpectedRevision: revision, position: chain.position };
  }

  /**
   * A retried append (same event ids, same stream) returns the first result and stores nothing.
   * Ids stored in another stream, or only some of the batch stored, are refused: that is a caller bug.
   */
  private alreadyStored(streamId: string, events: NewEvent[]): AppendResult | null {
    let found = 0;
    let last: { stream_id: string; revision: number; position: number } | undefined;
    for (const event of events) {
      const row = this.statements.byId.get(event.id) as typeof last;
      if (!row) continue;
      if (row.stream_id !== streamId) {
        throw new DuplicateEventError(event.id, `already stored in another stream`);
      }
      found += 1;
      last = row;
    }
    if (found === 0) return null;
    if (found < events.length) {
      throw new DuplicateEventError(events[0].id, 'only part of this batch was stored before');
    }
    return { nextExpectedRevision: last!.revision, position: last!.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = streamRows(this.statements.readStream, this.statements.readStreamRange, streamId, options) as EventRow[];
    return rows.map(toRecorded);
  }

  async readStreamData(streamId: string, options: ReadStreamOptions = {}): Promise<StreamEventData[]> {
    const rows = streamRows(this.statements.readStreamData, this.statements.readStreamDataRange, streamId, options) as [string, string, number, number][];
    return rows.map(([type, data, revision, position]) => ({ type, data: JSON.parse(data) as unknown, revision, position }));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options.after ?? 0, options.maxCount ?? -1);
  }

  readAllSync(after: number, maxCount: number): RecordedEvent[] {
    return (this.statements.readAll.all(after, maxCount) as EventRow[]).map(toRecorded);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return followLog({
      after: options.after,
      batchSize: options.batchSize ?? 500,
      read: async (after, max) => this.readAllSync(after, max),
      handle: options.handle,
      onError: options.onError,
      // In-process appends wake us at once; other processes' appends are found by polling.
      waitForMore: (signal) => waitForAppendOrPoll(this.appended, this.pollIntervalMs, signal),
    });
  }

  async headPosition(): Promise<number> {
    const row = this.statements.head.get() as { position: number } | undefined;
    return row?.position ?? 0;
  }

  async loadCheckpoint(name: string): Promise<number | null> {
    const row = this.statements.loadCheckpoint.get(name) as { position: number } | undefined;
    return row?.position ?? null;
  }

  /**
   * Joins the group commit: a processor saves its checkpoint right after each batch, usually
   * while appends are in flight, and a transaction of its own would cost an fsync of its own.
   */
  saveCheckpoint(name: string, position: number): Promise<void> {
    if (this.closed) return Promise.reject(new StoreUnavailableError('Event store is closed'));
    return new Promise((resolve, reject) => this.enqueue({ kind: 'checkpoint', name, position, resolve, reject }));
  }

  async verifyChain(anchors: ChainAnchors = {}): Promise<VerifyReport> {
    if (this.options.path !== ':memory:') return verifySqliteChain(this.options.path, anchors);
    // No file another connection could open: the rows as stored, read all at once.
    return verifyGlobalChain([...sqliteLinks(this.db)], anchors);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  /**
   * Reads a setting of the store's own connection. synchronous and busy_timeout are set per
   * connection, so another handle on the file cannot see what this one runs with.
   */
  connectionSetting(name: 'journal_mode' | 'synchronous' | 'busy_timeout'): unknown {
    return this.db.pragma(name, { simple: true });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pending.length > 0) this.flush();
    this.appended.emit('appended');
    this.db.close();
  }
}

/** A stream's rows by one of two statements: the whole stream (the common case, no range) or a range. */
function streamRows(whole: Database.Statement, range: Database.Statement, streamId: string, options: ReadStreamOptions): unknown[] {
  const from = options.fromRevision ?? 0;
  return from <= 0 && options.maxCount === undefined ? whole.all(streamId) : range.all(streamId, from, options.maxCount ?? -1);
}

function toRecorded(row: EventRow): RecordedEvent {
  return fromEventRow(row, JSON.parse);
}

function toStoreError(error: unknown): unknown {
  if (error instanceof ConcurrencyError || error instanceof DuplicateEventError) return error;
  const code = (error as { code?: string }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) {
    return new StoreUnavailableError(`Event store cannot take writes (${code})`, error);
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new DuplicateEventError('?', 'id already stored');
  }
  return error;
}
