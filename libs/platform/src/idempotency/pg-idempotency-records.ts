import { escapeLiteral, type Pool } from 'pg';
import { migratePg, PgMigration } from '@pz/event-store/postgres/pg-migrations';
import type { IdempotencyRecords, KeptRequest } from './idempotency-records';

export const IDEMPOTENCY_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'kept requests',
    sql: `
      CREATE TABLE idempotency_requests (
        scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, status INTEGER NOT NULL,
        kept_at TEXT NOT NULL, expires_at TEXT NOT NULL,
        PRIMARY KEY (scope, key));
      CREATE INDEX idempotency_requests_by_age ON idempotency_requests (scope, kept_at);
      CREATE INDEX idempotency_requests_by_expiry ON idempotency_requests (expires_at);`,
  },
];

/**
 * Keyed requests in PostgreSQL, so a retry sent to another API machine finds the first one. The
 * times are ISO text, as in SQLite, and compare as text ("C" collation: byte order is time order).
 */
export class PgIdempotencyRecords implements IdempotencyRecords {
  static async open(pool: Pool): Promise<PgIdempotencyRecords> {
    await migratePg(pool, 'idempotency', IDEMPOTENCY_MIGRATIONS);
    return new PgIdempotencyRecords(pool);
  }

  private constructor(private readonly pool: Pool) {}

  async find(scope: string, key: string, now: string): Promise<KeptRequest | undefined> {
    const { rows } = await this.pool.query<{ request_hash: string; status: number }>(
      'SELECT request_hash, status FROM idempotency_requests WHERE scope = $1 AND key = $2 AND expires_at COLLATE "C" > $3',
      [scope, key, now],
    );
    return rows[0] && { requestHash: rows[0].request_hash, status: rows[0].status };
  }

  /**
   * One message, one transaction: keep, trim the caller's oldest, drop the expired. Committed
   * without waiting for the WAL flush, as SQLite keeps these on its synchronous=NORMAL
   * connection: a record lost to a crash only means a retry runs its command again, which writes
   * nothing (its events' ids come from the key).
   */
  async keep(scope: string, key: string, request: KeptRequest, at: string, expiresAt: string, maxPerScope: number): Promise<void> {
    const [s, k, h, a, e] = [scope, key, request.requestHash, at, expiresAt].map(escapeLiteral);
    if (!Number.isSafeInteger(request.status) || !Number.isSafeInteger(maxPerScope)) throw new Error('status and maxPerScope must be integers');
    const client = await this.pool.connect();
    try {
      await client.query(`BEGIN; SET LOCAL synchronous_commit = off;
      INSERT INTO idempotency_requests (scope, key, request_hash, status, kept_at, expires_at) VALUES (${s}, ${k}, ${h}, ${request.status}, ${a}, ${e})
        ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
          kept_at = excluded.kept_at, expires_at = excluded.expires_at
        WHERE idempotency_requests.expires_at COLLATE "C" <= excluded.kept_at;
      DELETE FROM idempotency_requests WHERE scope = ${s} AND key NOT IN
        (SELECT key FROM idempotency_requests WHERE scope = ${s} ORDER BY kept_at COLLATE "C" DESC, key COLLATE "C" LIMIT ${maxPerScope});
      DELETE FROM idempotency_requests WHERE expires_at COLLATE "C" <= ${a};
      COMMIT`);
    } catch (error) {
      // A failed statement leaves the transaction open and aborted: never hand that back to the pool.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
