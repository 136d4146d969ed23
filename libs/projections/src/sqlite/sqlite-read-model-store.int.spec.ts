import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readModelStoreContract } from '../testing/read-model-store.contract';
import { SqliteReadModelStore } from './sqlite-read-model-store';

readModelStoreContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pz-rm-'));
  const path = join(dir, 'read-models.sqlite');
  const connect = () => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    return new SqliteReadModelStore(db);
  };
  const store = connect();
  return {
    store,
    another: async () => connect(),
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
