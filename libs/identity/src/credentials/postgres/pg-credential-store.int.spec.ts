import { createTemporaryDatabase, describeWithPostgres, TemporaryDatabase } from '@pz/event-store/postgres/testing/temporary-postgres';
import { credentialStoreContract } from '../testing/credential-store.contract';
import { PgCredentialStore } from './pg-credential-store';

describeWithPostgres('PostgreSQL credential store', () => {
  let database: TemporaryDatabase;
  beforeAll(async () => {
    database = await createTemporaryDatabase();
  });
  afterAll(() => database.drop());

  credentialStoreContract('PostgreSQL', async () => {
    const schema = await database.freshSchema();
    return {
      store: await PgCredentialStore.open(schema.pool()),
      another: () => PgCredentialStore.open(schema.pool()),
      close: async () => undefined,
    };
  });
});
