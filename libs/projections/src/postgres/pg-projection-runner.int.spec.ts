import type { RecordedEvent } from '@pz/event-store';
import { PgEventStore } from '@pz/event-store/postgres/pg-event-store';
import { createTemporaryDatabase, describeWithPostgres, TemporaryDatabase } from '@pz/event-store/postgres/testing/temporary-postgres';
import { newEvent } from '@pz/event-store/testing/event-store.contract';
import { ProjectionRunner } from '../projection-runner';
import { ledger, type LedgerAccount } from '../testing/ledger-projection';
import { PgReadModelStore } from './pg-read-model-store';

// Runners in several processes on one PostgreSQL database: each projection applied by the one
// runner holding its lease, read-your-writes through the others, and a dead runner's lease expiring.
describeWithPostgres('Projection runners sharing PostgreSQL', () => {
  let database: TemporaryDatabase;
  beforeAll(async () => {
    database = await createTemporaryDatabase();
  });
  afterAll(() => database.drop());

  async function processOn(schema: Awaited<ReturnType<TemporaryDatabase['freshSchema']>>) {
    const pool = schema.pool({ max: 4 });
    return { store: await PgEventStore.open({ pool, pollIntervalMs: 20 }), readModels: await PgReadModelStore.open(pool) };
  }

  it('applies each event once across two runners, and both read their writes', async () => {
    const schema = await database.freshSchema();
    const [a, b] = [await processOn(schema), await processOn(schema)];
    const appliedBy = { a: 0, b: 0 };
    const count = (who: 'a' | 'b') => (e: RecordedEvent) => void (e.type === 'Deposited' && (appliedBy[who] += 1));
    const runnerA = new ProjectionRunner(a.store, a.readModels, [ledger(1, count('a'))]);
    const runnerB = new ProjectionRunner(b.store, b.readModels, [ledger(1, count('b'))]);
    await Promise.all([runnerA.start(), runnerB.start()]);
    try {
      let total = 0;
      for (let i = 0; i < 60; i++) {
        // Written through either process, then read back through the same one.
        const [proc, runner] = i % 2 ? [a, runnerA] : [b, runnerB];
        const { position } = await proc.store.append(`account-${i % 3}`, [newEvent('Deposited', { account: `acc-${i % 3}`, amount: i })], 'any');
        total += i;
        await runner.waitFor(position);
        const doc = await runner.documents.get<LedgerAccount>('accounts', `acc-${i % 3}`);
        expect(doc?.history).toContain(position);
      }
      // One runner holds the lease and applied every deposit, once; the other applied none.
      expect(appliedBy.a + appliedBy.b).toBe(60);
      expect(Math.min(appliedBy.a, appliedBy.b)).toBe(0);
      const accounts = await a.readModels.list<LedgerAccount>('accounts');
      expect(accounts.reduce((sum, acc) => sum + acc.total, 0)).toBe(total);
    } finally {
      await Promise.all([runnerA.stop(), runnerB.stop()]);
      await Promise.all([a.store.close(), b.store.close()]);
    }
  });

  it("takes over a dead runner's projections once its lease expires", async () => {
    const schema = await database.freshSchema();
    const proc = await processOn(schema);
    // A runner that took the lease and died: nobody renews it.
    await proc.readModels.lease(['ledger'], 'dead-runner', 600);
    const applied: number[] = [];
    const runner = new ProjectionRunner(proc.store, proc.readModels, [ledger(1, (e) => void applied.push(e.position))], { leaseMs: 600 });
    await runner.start();
    try {
      const { position } = await proc.store.append('account-x', [newEvent('Deposited', { account: 'x', amount: 7 })], 'no_stream');
      const started = Date.now();
      await runner.waitFor(position, 10_000);
      // Not before the dead runner's lease ran out: nobody else applied it meanwhile.
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(applied).toEqual([position]);
      expect(await runner.documents.get('accounts', 'x')).toEqual({ total: 7, history: [position] });
    } finally {
      await runner.stop();
      await proc.store.close();
    }
  });

  it('hands its leases over at a clean stop', async () => {
    const schema = await database.freshSchema();
    const proc = await processOn(schema);
    const first = new ProjectionRunner(proc.store, proc.readModels, [ledger()], { leaseMs: 60_000 });
    await first.start();
    const { position } = await proc.store.append('account-y', [newEvent('Deposited', { account: 'y', amount: 1 })], 'no_stream');
    await first.waitFor(position);
    await first.stop();
    expect(await proc.readModels.lease(['ledger'], 'next-runner', 60_000)).toEqual(new Set(['ledger']));
    await proc.store.close();
  });
});
