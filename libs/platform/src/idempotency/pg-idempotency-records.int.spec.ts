import { createTemporaryDatabase, describeWithPostgres, TemporaryDatabase } from '@pz/event-store/postgres/testing/temporary-postgres';
import { idempotencyRecordsContract } from './testing/idempotency-records.contract';
import { PgIdempotencyRecords } from './pg-idempotency-records';

describeWithPostgres('PostgreSQL idempotency records', () => {
  let database: TemporaryDatabase;
  beforeAll(async () => {
    database = await createTemporaryDatabase();
  });
  afterAll(() => database.drop());

  idempotencyRecordsContract('PostgreSQL', async () => {
    const schema = await database.freshSchema();
    return {
      records: await PgIdempotencyRecords.open(schema.pool()),
      another: () => PgIdempotencyRecords.open(schema.pool()),
      close: async () => undefined,
    };
  });
});
