import type { Pool } from 'pg';
import { migratePg, PgMigration } from '@pz/event-store/postgres/pg-migrations';
import type { PersonalDataKeys, PersonKey } from '../personal-data-keys';

export const PERSONAL_DATA_KEYS_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'per-person keys',
    sql: `CREATE TABLE pii_keys (
      person_id  TEXT PRIMARY KEY,
      key        BYTEA,
      created_at TEXT NOT NULL,
      erased_at  TEXT
    )`,
  },
];

interface KeyRow {
  key: Buffer | null;
  created_at: string;
  erased_at: string | null;
}

/**
 * Keys in PostgreSQL, shared by every process on every machine. PostgreSQL commits durably by
 * default (synchronous_commit=on): a key acknowledged to the vault survives a crash, as the
 * events do. Erasure sets the key to NULL; PostgreSQL's MVCC leaves the old row version until
 * vacuum, so the design note (docs/design/postgres.md) asks for autovacuum and for backups to
 * be rotated, as crypto-shredding already requires of SQLite backups.
 */
export class PgPersonalDataKeys implements PersonalDataKeys {
  static async open(pool: Pool): Promise<PgPersonalDataKeys> {
    await migratePg(pool, 'personal-data-keys', PERSONAL_DATA_KEYS_MIGRATIONS);
    return new PgPersonalDataKeys(pool);
  }

  private constructor(private readonly pool: Pool) {}

  async get(person: string): Promise<PersonKey | undefined> {
    const { rows } = await this.pool.query<KeyRow>('SELECT key, created_at, erased_at FROM pii_keys WHERE person_id = $1', [person]);
    return rows[0] && { key: rows[0].key, createdAt: rows[0].created_at, erasedAt: rows[0].erased_at };
  }

  async getOrCreate(person: string, key: Buffer, at: string): Promise<Buffer | null> {
    // One round trip either way: insert unless the person has a row, then answer whichever row
    // stands (ours, a concurrent winner's, or a tombstone).
    const { rows } = await this.pool.query<{ key: Buffer | null }>(
      `WITH created AS (
         INSERT INTO pii_keys (person_id, key, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (person_id) DO NOTHING RETURNING key)
       SELECT key FROM created UNION ALL SELECT key FROM pii_keys WHERE person_id = $1 LIMIT 1`,
      [person, key, at],
    );
    if (rows.length > 0) return rows[0].key;
    // The conflicting row was committed by another process after this statement's snapshot.
    const again = await this.get(person);
    return again?.key ?? null;
  }

  async erase(person: string, at: string): Promise<boolean> {
    // The row lock makes a second, concurrent erasure wait and then find no key left to destroy.
    const destroyed = await this.pool.query(
      'UPDATE pii_keys SET key = NULL, erased_at = COALESCE(erased_at, $2) WHERE person_id = $1 AND key IS NOT NULL',
      [person, at],
    );
    if ((destroyed.rowCount ?? 0) > 0) return true;
    // No key: leave a tombstone (or keep the first one), so nothing can seal for them afterwards.
    await this.pool.query(
      `INSERT INTO pii_keys (person_id, key, created_at, erased_at) VALUES ($1, NULL, $2, $2)
       ON CONFLICT (person_id) DO UPDATE SET key = NULL, erased_at = COALESCE(pii_keys.erased_at, excluded.erased_at)`,
      [person, at],
    );
    return false;
  }

}
