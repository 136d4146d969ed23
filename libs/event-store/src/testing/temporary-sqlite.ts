import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * A temporary SQLite file for an integration test. `connect()` opens a connection as the
 * service opens its own (WAL, a busy timeout), as another process would hold one; `remove()`
 * closes every connection made and deletes the folder.
 */
export function temporarySqliteFile(prefix = 'pz-test-'): { path: string; connect(): Database.Database; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'grants.sqlite');
  const connections: Database.Database[] = [];
  return {
    path,
    connect() {
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      connections.push(db);
      return db;
    },
    remove() {
      for (const db of connections) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
