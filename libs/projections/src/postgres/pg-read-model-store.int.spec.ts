import { createTemporaryDatabase, describeWithPostgres, TemporaryDatabase } from '@pz/event-store/postgres/testing/temporary-postgres';
import { readModelStoreContract } from '../testing/read-model-store.contract';
import { PgReadModelStore } from './pg-read-model-store';

describeWithPostgres('PostgreSQL read-model store', () => {
  let database: TemporaryDatabase;
  beforeAll(async () => {
    database = await createTemporaryDatabase();
  });
  afterAll(() => database.drop());

  readModelStoreContract('PostgreSQL', async () => {
    const schema = await database.freshSchema();
    return {
      store: await PgReadModelStore.open(schema.pool()),
      another: () => PgReadModelStore.open(schema.pool()),
      close: async () => undefined,
    };
  });
});
