import { createTemporaryDatabase, describeWithPostgres, TemporaryDatabase } from '@pz/event-store/postgres/testing/temporary-postgres';
import { personalDataKeysContract } from '../testing/personal-data-keys.contract';
import { PgPersonalDataKeys } from './pg-personal-data-keys';

describeWithPostgres('PostgreSQL personal-data keys', () => {
  let database: TemporaryDatabase;
  beforeAll(async () => {
    database = await createTemporaryDatabase();
  });
  afterAll(() => database.drop());

  personalDataKeysContract('PostgreSQL', async () => {
    const schema = await database.freshSchema();
    return {
      keys: await PgPersonalDataKeys.open(schema.pool()),
      another: () => PgPersonalDataKeys.open(schema.pool()),
      close: async () => undefined,
    };
  });
});
