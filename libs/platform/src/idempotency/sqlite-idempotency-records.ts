import type Database from 'better-sqlite3';
import type { IdempotencyRecords, KeptRequest } from './idempotency-records';

/**
 * Keyed requests in the SQLite file. The table of the first design kept whole answers, personal
 * data included, for ever: it is dropped, and what replaces it holds no answer at all.
 */
export class SqliteIdempotencyRecords implements IdempotencyRecords {
  private readonly stmts;
  private readonly keepInTransaction;

  constructor(db: Database.Database) {
    db.exec(`
      DROP TABLE IF EXISTS idempotency_keys;
      CREATE TABLE IF NOT EXISTS idempotency_requests (
        scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status INTEGER NOT NULL,
        kept_at TEXT NOT NULL, expires_at TEXT NOT NULL,
        PRIMARY KEY (scope, key));
      CREATE INDEX IF NOT EXISTS idempotency_requests_by_age ON idempotency_requests (scope, kept_at);
      CREATE INDEX IF NOT EXISTS idempotency_requests_by_expiry ON idempotency_requests (expires_at);`);
    this.stmts = {
      find: db.prepare('SELECT request_hash, status FROM idempotency_requests WHERE scope = ? AND key = ? AND expires_at > ?'),
      keep: db.prepare(
        `INSERT INTO idempotency_requests (scope, key, request_hash, status, kept_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
           kept_at = excluded.kept_at, expires_at = excluded.expires_at
         WHERE idempotency_requests.expires_at <= excluded.kept_at`,
      ),
      trimScope: db.prepare(
        `DELETE FROM idempotency_requests WHERE scope = ? AND key NOT IN
           (SELECT key FROM idempotency_requests WHERE scope = ? ORDER BY kept_at DESC, key LIMIT ?)`,
      ),
      expire: db.prepare('DELETE FROM idempotency_requests WHERE expires_at <= ?'),
    };
    this.keepInTransaction = db.transaction(
      (scope: string, key: string, request: KeptRequest, at: string, expiresAt: string, maxPerScope: number) => {
        this.stmts.keep.run(scope, key, request.requestHash, request.status, at, expiresAt);
        this.stmts.trimScope.run(scope, scope, maxPerScope);
        this.stmts.expire.run(at);
      },
    );
  }

  async find(scope: string, key: string, now: string): Promise<KeptRequest | undefined> {
    const row = this.stmts.find.get(scope, key, now) as { request_hash: string; status: number } | undefined;
    return row && { requestHash: row.request_hash, status: row.status };
  }

  async keep(scope: string, key: string, request: KeptRequest, at: string, expiresAt: string, maxPerScope: number): Promise<void> {
    this.keepInTransaction.immediate(scope, key, request, at, expiresAt, maxPerScope);
  }
}
