import { StoreUnavailableError } from '../event-store';

/**
 * PostgreSQL SQLSTATE classes and codes that mean "the database cannot take this now" rather
 * than a bug: connection trouble (08), out of resources (53), operator intervention (57),
 * a read-only standby (25006), system errors (58).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)|^25006$/;
/** Socket-level failures node reports before PostgreSQL could say anything. */
const UNAVAILABLE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE.has(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|Cannot use a pool after calling end/i.test(message);
}

/** What a caller sees of a database failure: StoreUnavailableError (a 503) when it is the database's state. */
export function toPgStoreError(error: unknown, what = 'Store'): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (isUnavailable(error)) {
    return new StoreUnavailableError(`${what} cannot be reached (${(error as Error).message})`, error);
  }
  return error;
}
