import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { NewEvent } from '@pz/event-store';

/**
 * The baseline: what a careful hand-written event table on better-sqlite3 does, and nothing
 * more. One append = one IMMEDIATE transaction that checks the stream's last revision and
 * inserts the row; a read is one indexed query and a JSON.parse of each payload. No hash
 * chain, no duplicate-id retry check, no group commit, no promise.
 */
export class RawStore {
  readonly db: Database.Database;
  private readonly head;
  private readonly insert;
  private readonly stream;
  private readonly fullStream;
  private readonly appendTx;

  constructor(path: string, synchronous: 'FULL' | 'NORMAL') {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS events (
      position INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
      type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, recorded_at TEXT NOT NULL,
      UNIQUE (stream_id, revision))`);
    this.head = this.db.prepare('SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1').pluck();
    this.insert = this.db.prepare(
      'INSERT INTO events (id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.stream = this.db.prepare('SELECT type, data FROM events WHERE stream_id = ? ORDER BY revision');
    this.fullStream = this.db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision');
    this.appendTx = this.db.transaction((streamId: string, event: NewEvent, expected: number) => {
      const current = (this.head.get(streamId) as number | undefined) ?? -1;
      if (current !== expected) throw new Error(`${streamId}: expected ${expected}, at ${current}`);
      this.insert.run(event.id, streamId, current + 1, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), new Date().toISOString());
      return current + 1;
    });
  }

  /** `expected`: -1 for a new stream. */
  append(streamId: string, event: NewEvent, expected: number): number {
    return this.appendTx.immediate(streamId, event, expected);
  }

  read(streamId: string): { type: string; data: unknown }[] {
    return (this.stream.all(streamId) as { type: string; data: string }[]).map((r) => ({ type: r.type, data: JSON.parse(r.data) }));
  }

  /** Every column, payload and metadata parsed: the information our RecordedEvent carries (but the hashes). */
  readFull(streamId: string): { type: string; data: unknown; metadata: unknown }[] {
    return (this.fullStream.all(streamId) as { type: string; data: string; metadata: string }[]).map((r) => ({
      ...r,
      data: JSON.parse(r.data),
      metadata: JSON.parse(r.metadata),
    }));
  }

  close(): void {
    this.db.close();
  }
}
