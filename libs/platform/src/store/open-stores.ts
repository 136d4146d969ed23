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
 * Read models live in SQLite in both modes: with the embedded store in the same file as the
 * events (one file to back up), with EventStoreDB in a local file that can be rebuilt at will.
 */
export function openReadModelDatabase(config: AppConfig): Database.Database {
  mkdirSync(dirname(config.sqlitePath), { recursive: true });
  const db = new Database(config.sqlitePath);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  // Read models are rebuildable from the log, so they need not pay for a full fsync per batch.
  db.pragma('synchronous = NORMAL');
  return db;
}
