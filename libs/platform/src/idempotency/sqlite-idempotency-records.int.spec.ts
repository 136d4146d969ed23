import { temporarySqliteFile } from '@pz/event-store/testing/temporary-sqlite';
import { idempotencyRecordsContract } from './testing/idempotency-records.contract';
import { SqliteIdempotencyRecords } from './sqlite-idempotency-records';

idempotencyRecordsContract('SQLite file', async () => {
  const file = temporarySqliteFile('pz-idem-');
  return {
    records: new SqliteIdempotencyRecords(file.connect()),
    another: async () => new SqliteIdempotencyRecords(file.connect()),
    close: async () => file.remove(),
  };
});
