import type Database from 'better-sqlite3';
import type { IdempotencyRecords, StoredAnswer } from './idempotency-records';

interface Row {
  request_hash: string;
  status: number;
  body: string;
}

export class SqliteIdempotencyRecords implements IdempotencyRecords {
  private readonly stmts;

  constructor(db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
      PRIMARY KEY (scope, key))`);
    this.stmts = {
      find: db.prepare('SELECT request_hash, status, body FROM idempotency_keys WHERE scope = ? AND key = ?'),
      keep: db.prepare(
        'INSERT OR IGNORE INTO idempotency_keys (scope, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
    };
  }

  async find(scope: string, key: string): Promise<StoredAnswer | undefined> {
    const row = this.stmts.find.get(scope, key) as Row | undefined;
    return row && { requestHash: row.request_hash, status: row.status, body: row.body };
  }

  async keep(scope: string, key: string, answer: StoredAnswer, at: string): Promise<void> {
    this.stmts.keep.run(scope, key, answer.requestHash, answer.status, answer.body, at);
  }
}
