import { Pool, PoolConfig, types } from 'pg';

const INT8_OID = 20;

/**
 * A connection pool on one PostgreSQL database. Positions and revisions are BIGINT; pg hands
 * those back as strings unless told otherwise, and a position never comes near 2^53, so they are
 * read as numbers here, per pool, leaving any other user of pg in the process alone.
 */
export function openPgPool(connectionString: string, extra: PoolConfig = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: 10,
    ...extra,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
    },
  });
  // An idle client whose server went away emits 'error' on the pool: without a listener the
  // process would die. The next query reports the trouble to its caller instead.
  pool.on('error', () => undefined);
  return pool;
}

/** Whether a connection string is one pg can use: postgres:// or postgresql:// with a host. */
export function pgConnectionProblem(value: string, name = 'DATABASE_URL'): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name} is not a valid URL (expected postgres://user:password@host:5432/database)`;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return `${name} must use postgres: or postgresql: (got "${url.protocol}")`;
  }
  if (!url.hostname && !url.searchParams.get('host')) return `${name} must name a host`;
  if (url.pathname.replace(/^\//, '') === '') return `${name} must name a database (postgres://host:5432/<database>)`;
  return undefined;
}
