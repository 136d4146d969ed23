import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client, Pool, PoolConfig } from 'pg';
import { openPgPool } from '../pg-pool';

/**
 * PostgreSQL for integration tests. The server is TEST_DATABASE_URL (any database on it the
 * test user may create databases from), else the local default; `.ci/run` makes sure one
 * answers. Each test file gets a database of its own, `pz_test_<random>`, dropped at the end;
 * each fixture inside it a fresh schema, so tests never see each other's rows.
 */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let probed: string | null | undefined;

/**
 * Why PostgreSQL tests cannot run here (null: they can). Asked once per test file, while jest
 * collects tests, so it is synchronous: a child process tries to connect for at most 5 seconds.
 */
export function postgresUnavailableReason(): string | null {
  if (probed !== undefined) return probed;
  const script = `const { Client } = require('pg'); const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 4000 });
    c.connect().then(() => c.query('SELECT 1')).then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });`;
  try {
    execFileSync(process.execPath, ['-e', script, TEST_SERVER_URL], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 6000 });
    probed = null;
  } catch (error) {
    const said = String((error as { stderr?: Buffer }).stderr ?? '').trim() || (error as Error).message;
    probed = `no PostgreSQL answers at ${redact(TEST_SERVER_URL)} (${said}); set TEST_DATABASE_URL or run .ci/run`;
  }
  return probed;
}

/** `describe` when PostgreSQL answers; otherwise a skipped describe whose name says why. */
export function describeWithPostgres(name: string, body: () => void): void {
  const reason = postgresUnavailableReason();
  if (reason === null) describe(name, body);
  else describe.skip(`${name} — skipped: ${reason}`, () => it('needs PostgreSQL', () => undefined));
}

export interface TemporaryDatabase {
  /** A connection string for the database itself. */
  url: string;
  /** A pool on a new, empty schema of this database (as another process would open one). */
  freshSchema(): Promise<{ schema: string; pool(extra?: PoolConfig): Pool }>;
  drop(): Promise<void>;
}

/** A new database on the test server; `drop()` ends every pool it made and removes it. */
export async function createTemporaryDatabase(): Promise<TemporaryDatabase> {
  const name = `pz_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(TEST_SERVER_URL, name);
  const pools: Pool[] = [];
  return {
    url,
    async freshSchema() {
      const schema = `s_${randomBytes(5).toString('hex')}`;
      const setup = new Client({ connectionString: url });
      await setup.connect();
      await setup.query(`CREATE SCHEMA ${schema}`);
      await setup.end();
      return {
        schema,
        pool(extra: PoolConfig = {}) {
          const pool = openPgPool(url, { ...extra, options: `-c search_path=${schema}` });
          pools.push(pool);
          return pool;
        },
      };
    },
    async drop() {
      await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
