import type { Pool } from 'pg';

/** One step of a component's schema. Append-only: never edit a shipped migration, add a new one. */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** Key of the transaction-scoped advisory lock every migration runs under (any 64-bit constant). */
export const MIGRATION_LOCK_KEY = 0x707a_6d69_6772; // "pzmigr"

/**
 * Brings one component's tables (events, keys, credentials...) up to its latest migration. Each
 * component keeps its own version line in `schema_migrations`, so an adapter migrates only what
 * it owns. Two processes starting at once on a new database serialise on an advisory lock taken
 * for the transaction only (it is released at commit, and works through PgBouncer's transaction
 * pooling); the second then finds nothing left to do. DDL is transactional in PostgreSQL, so a
 * failed migration leaves the schema as it was.
 */
export async function migratePg(pool: Pool, component: string, migrations: readonly PgMigration[]): Promise<void> {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      PRIMARY KEY (component, version))`);
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_migrations WHERE component = $1',
      [component],
    );
    const current = rows[0].v ?? 0;
    if (current > latest) {
      throw new Error(
        `PostgreSQL schema of ${component} is version ${current}, newer than this build understands (${latest}); upgrade the service`,
      );
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (component, version, name) VALUES ($1, $2, $3)', [component, m.version, m.name]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
