// npm run store:copy-to-postgres -- <store.sqlite> <postgres://...>
//
// Moves an installation from the embedded SQLite file to PostgreSQL: the event log with its
// positions and hashes exactly as stored (so audit:verify reports the same head on both), the
// processors' checkpoints (so no mail is sent twice), the personal-data keys (without them every
// sealed field would read as erased), and the credentials and kept requests. Read models are not
// copied: the first process on PostgreSQL rebuilds them from the log. Stop the service first.
// Safe to run again: it goes on from where an interrupted copy stopped.
import Database from 'better-sqlite3';
import type { Pool, PoolClient } from 'pg';
import { APPEND_LOCK_KEY, EVENT_STORE_MIGRATIONS } from '../libs/event-store/src/postgres/pg-event-store';
import { migratePg, PgMigration } from '../libs/event-store/src/postgres/pg-migrations';
import { openPgPool } from '../libs/event-store/src/postgres/pg-pool';
import { verifySqliteChain } from '../libs/event-store/src/sqlite/sqlite-chain';
import { CREDENTIAL_MIGRATIONS } from '../libs/identity/src/credentials/postgres/pg-credential-store';
import { PERSONAL_DATA_KEYS_MIGRATIONS } from '../libs/people/src/postgres/pg-personal-data-keys';
import { IDEMPOTENCY_MIGRATIONS } from '../libs/platform/src/idempotency/pg-idempotency-records';

const BATCH = 1000;

/** The tables beside the log, each with the component whose migrations make it in PostgreSQL. */
const RECORDS: { table: string; component: string; migrations: readonly PgMigration[]; key: string }[] = [
  { table: 'checkpoints', component: 'event-store', migrations: EVENT_STORE_MIGRATIONS, key: 'name' },
  { table: 'pii_keys', component: 'personal-data-keys', migrations: PERSONAL_DATA_KEYS_MIGRATIONS, key: 'person_id' },
  { table: 'sign_in_links', component: 'credentials', migrations: CREDENTIAL_MIGRATIONS, key: 'hash' },
  { table: 'sessions', component: 'credentials', migrations: CREDENTIAL_MIGRATIONS, key: 'hash' },
  { table: 'access_tokens', component: 'credentials', migrations: CREDENTIAL_MIGRATIONS, key: 'id' },
  { table: 'saved_forms', component: 'credentials', migrations: CREDENTIAL_MIGRATIONS, key: 'id' },
  { table: 'idempotency_requests', component: 'idempotency', migrations: IDEMPOTENCY_MIGRATIONS, key: 'scope, key' },
];

export interface CopyReport {
  events: number;
  copiedEvents: number;
  head: { position: number; hash: string };
  records: Record<string, number>;
}

export async function copySqliteToPostgres(sqlitePath: string, pool: Pool): Promise<CopyReport> {
  // Never carry a broken chain over: it would then verify nowhere.
  const source = await verifySqliteChain(sqlitePath);
  if (!source.ok) throw new Error(`the SQLite log is broken at ${source.brokenAt}: ${source.reason}`);
  await migratePg(pool, 'event-store', EVENT_STORE_MIGRATIONS);
  const db = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    const copiedEvents = await copyEvents(db, pool);
    const records: Record<string, number> = {};
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    for (const r of RECORDS) {
      if (!tables.has(r.table)) continue;
      await migratePg(pool, r.component, r.migrations);
      records[r.table] = await copyTable(db, pool, r.table, r.key);
    }
    return { events: source.events, copiedEvents, head: source.head, records };
  } finally {
    db.close();
  }
}

/** The log, row for row; goes on after the rows already there, which must be the source's own. */
async function copyEvents(db: Database.Database, pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ position: number; hash: string }>('SELECT position, hash FROM events ORDER BY position DESC LIMIT 1');
  const after = rows[0]?.position ?? 0;
  if (after > 0) {
    const same = db.prepare('SELECT hash FROM events WHERE position = ?').pluck().get(after) as string | undefined;
    if (same !== rows[0].hash) throw new Error(`PostgreSQL already holds a different log (its event ${after} is not the SQLite file's): copy into an empty database`);
  }
  const select = db.prepare(
    'SELECT position, id, stream_id, revision, type, data, metadata, recorded_at, prev_hash, hash FROM events WHERE position > ? ORDER BY position LIMIT ?',
  ).raw();
  let copied = 0;
  let from = after;
  for (;;) {
    const batch = select.all(from, BATCH) as unknown[][];
    if (batch.length === 0) return copied;
    const columns = Array.from({ length: 10 }, (_, i) => batch.map((row) => row[i]));
    await inTransaction(pool, async (client) => {
      // The service's own lock: nothing can append between the copied rows.
      await client.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
      await client.query(
        `INSERT INTO events (position, id, stream_id, revision, type, data, metadata, recorded_at, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])`,
        columns,
      );
    });
    copied += batch.length;
    from = batch[batch.length - 1][0] as number;
  }
}

/** A table beside the log, columns by name; rows already there (an earlier run) are left alone. */
async function copyTable(db: Database.Database, pool: Pool, table: string, key: string): Promise<number> {
  const rows = db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0]);
  let copied = 0;
  await inTransaction(pool, async (client) => {
    for (let i = 0; i < rows.length; i += BATCH) {
      const slice = rows.slice(i, i + BATCH);
      const values: unknown[] = [];
      const tuples = slice.map((row) => `(${columns.map((c) => `$${values.push(row[c])}`).join(', ')})`);
      const result = await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT (${key}) DO NOTHING`, values);
      copied += result.rowCount ?? 0;
    }
  });
  return copied;
}

async function inTransaction(pool: Pool, work: (client: PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function main(): Promise<number> {
  const [sqlitePath, url] = process.argv.slice(2);
  if (!sqlitePath || !url) {
    process.stderr.write('usage: npm run store:copy-to-postgres -- <store.sqlite> <postgres://user@host:5432/database>\n');
    return 2;
  }
  const pool = openPgPool(url, { max: 2 });
  try {
    const report = await copySqliteToPostgres(sqlitePath, pool);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`copied: ${report.copiedEvents} of ${report.events} events, head ${report.head.position}:${report.head.hash}\n`);
    return 0;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
