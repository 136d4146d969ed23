import { temporarySqliteFile } from '@pz/event-store/testing/temporary-sqlite';
import { personalDataKeysContract } from '../testing/personal-data-keys.contract';
import { SqlitePersonalDataKeys } from './sqlite-personal-data-keys';

personalDataKeysContract('SQLite file', async () => {
  const file = temporarySqliteFile('pz-keys-');
  return {
    keys: new SqlitePersonalDataKeys(file.connect()),
    another: async () => new SqlitePersonalDataKeys(file.connect()),
    close: async () => file.remove(),
  };
});
