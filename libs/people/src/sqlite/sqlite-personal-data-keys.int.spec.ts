import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { personalDataKeysContract } from '../testing/personal-data-keys.contract';
import { SqlitePersonalDataKeys } from './sqlite-personal-data-keys';

personalDataKeysContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pz-keys-'));
  const path = join(dir, 'grants.sqlite');
  const handles: Database.Database[] = [];
  const connect = () => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    handles.push(db);
    return new SqlitePersonalDataKeys(db);
  };
  return {
    keys: connect(),
    another: async () => connect(),
    async close() {
      for (const db of handles) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
