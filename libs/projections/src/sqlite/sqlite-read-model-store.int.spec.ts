import { temporarySqliteFile } from '@pz/event-store/testing/temporary-sqlite';
import { readModelStoreContract } from '../testing/read-model-store.contract';
import { SqliteReadModelStore } from './sqlite-read-model-store';

readModelStoreContract('SQLite file', async () => {
  const file = temporarySqliteFile('pz-rm-');
  return {
    store: new SqliteReadModelStore(file.connect()),
    another: async () => new SqliteReadModelStore(file.connect()),
    close: async () => file.remove(),
  };
});
