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
