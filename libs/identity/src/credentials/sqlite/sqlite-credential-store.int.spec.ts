import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { credentialStoreContract } from '../testing/credential-store.contract';
import { SqliteCredentialStore } from './sqlite-credential-store';

credentialStoreContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pz-credentials-'));
  const path = join(dir, 'store.sqlite');
  const connections: Database.Database[] = [];
  const connect = () => {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    connections.push(db);
    return new SqliteCredentialStore(db);
  };
  return {
    store: connect(),
    another: async () => connect(),
    close: async () => {
      for (const db of connections) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
