import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EventStore, SqliteEventStore } from '@pz/event-store';
import type { AppConfig } from '../config/environment';

export function openEventStore(config: AppConfig): EventStore {
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
 * disposable, because it holds the personal-data keys.
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
