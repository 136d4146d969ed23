import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Pool } from 'pg';
import { EventStore, SqliteEventStore } from '@pz/event-store';
import { PgEventStore } from '@pz/event-store/postgres/pg-event-store';
import { openPgPool } from '@pz/event-store/postgres/pg-pool';
import type { AppConfig } from '../config/environment';

/** The one pool a process holds on DATABASE_URL, shared by every PostgreSQL adapter; null unless EVENT_STORE=postgres. */
export const POSTGRES_POOL = Symbol('PostgresPool');

export function openPostgresPool(config: AppConfig): Pool | null {
  if (config.eventStore !== 'postgres') return null;
  return openPgPool(config.databaseUrl!, { max: config.databasePoolSize, application_name: 'people-zones-grants' });
}

export function openEventStore(config: AppConfig, pool: Pool | null = null): EventStore | Promise<EventStore> {
  if (config.eventStore === 'postgres') {
    return PgEventStore.open({ pool: pool ?? openPostgresPool(config)!, ownsPool: pool === null });
  }
  if (config.eventStore === 'esdb') {
    // Loaded only when chosen, so the embedded default never touches the gRPC client.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EsdbEventStore } = require('@pz/event-store/esdb/esdb-event-store');
    return new EsdbEventStore(config.esdbConnectionString!);
  }
  return new SqliteEventStore({ path: config.sqlitePath });
}

/**
 * The SQLite file's connections for everything beside the events. With the embedded store it is
 * the same file as the events (one file to back up); with EventStoreDB a local file that is NOT
 * disposable, because it holds the personal-data keys. With PostgreSQL, what still reaches it
 * is local to the process's machine.
 */
export interface SqliteConnections {
  /** Read models and idempotency records: rebuildable or short-lived, so no fsync per commit. */
  readModels: Database.Database;
  /** Records as durable as the events (personal-data keys): an fsync per commit, as the event store. */
  records: Database.Database;
}

export const SQLITE_CONNECTIONS = Symbol('SqliteConnections');

export function openSqliteConnections(config: AppConfig): SqliteConnections {
  mkdirSync(dirname(config.sqlitePath), { recursive: true });
  const open = (synchronous: 'NORMAL' | 'FULL') => {
    const db = new Database(config.sqlitePath);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma(`synchronous = ${synchronous}`);
    return db;
  };
  return { readModels: open('NORMAL'), records: open('FULL') };
}

export function closeSqliteConnections(connections: SqliteConnections): void {
  for (const db of [connections.readModels, connections.records]) if (db.open) db.close();
}
