import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { idempotencyRecordsContract } from './testing/idempotency-records.contract';
import { SqliteIdempotencyRecords } from './sqlite-idempotency-records';

idempotencyRecordsContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pz-idem-'));
  const path = join(dir, 'grants.sqlite');
  const handles: Database.Database[] = [];
  const connect = () => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    handles.push(db);
    return new SqliteIdempotencyRecords(db);
  };
  return {
    records: connect(),
    another: async () => connect(),
    async close() {
      for (const db of handles) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
