import { StoreUnavailableError } from '../event-store';
import { chainHash } from '../hash-chain';
import { eventStoreContract, newEvent } from '../testing/event-store.contract';
import { APPEND_LOCK_KEY, EVENT_STORE_MIGRATIONS, PgEventStore } from './pg-event-store';
import { migratePg } from './pg-migrations';
import { createTemporaryDatabase, describeWithPostgres, TemporaryDatabase } from './testing/temporary-postgres';

describeWithPostgres('PostgreSQL event store', () => {
  let database: TemporaryDatabase;
  beforeAll(async () => {
    database = await createTemporaryDatabase();
  });
  afterAll(() => database.drop());

  async function openStore() {
    const schema = await database.freshSchema();
    return { schema, store: await PgEventStore.open({ pool: schema.pool(), pollIntervalMs: 50 }) };
  }

  eventStoreContract('PostgreSQL', async () => {
    const schema = await database.freshSchema();
    let store = await PgEventStore.open({ pool: schema.pool(), pollIntervalMs: 50, ownsPool: true });
    return {
      store,
      async reopen() {
        await store.close();
        store = await PgEventStore.open({ pool: schema.pool(), pollIntervalMs: 50, ownsPool: true });
        return store;
      },
      dispose: () => store.close(),
    };
  });

  describe('specifics', () => {
    it('group-commits concurrent appends from two processes with gap-free positions and a valid chain', async () => {
      const { schema, store } = await openStore();
      const other = await PgEventStore.open({ pool: schema.pool(), pollIntervalMs: 50 });
      const results = await Promise.all(
        Array.from({ length: 128 }, (_, i) => (i % 2 ? store : other).append(`stream-${i % 8}`, [newEvent('G', { i })], 'any')),
      );
      expect(results.map((r) => r.position).sort((a, b) => a - b)).toEqual(Array.from({ length: 128 }, (_, i) => i + 1));
      const all = await store.readAll();
      for (const e of all) expect(e.hash).toBe(chainHash(e.prevHash, e));
      expect(await store.verifyChain()).toMatchObject({ ok: true, events: 128, head: { position: 128 } });
      await Promise.all([store.close(), other.close()]);
    });

    it('never lets a later position become visible before an earlier one that commits last', async () => {
      // A writer that has taken the append lock and position 2 but is slow to commit (here: held
      // open by the test). A concurrent append must wait for it rather than commit position 3
      // first, so a reader polling "after my checkpoint" can never step over position 2.
      const { schema, store } = await openStore();
      await store.append('a', [newEvent('First')], 'no_stream');
      const [head] = await store.readAll();
      const slow = await schema.pool().connect();
      await slow.query('BEGIN');
      await slow.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
      const late = { ...newEvent('Late'), streamId: 'late', revision: 0, position: 2, recordedAt: new Date().toISOString() };
      const lateHash = chainHash(head.hash, late);
      await slow.query(
        `INSERT INTO events (position, id, stream_id, revision, type, data, metadata, recorded_at, prev_hash, hash)
         VALUES (2, $1, 'late', 0, 'Late', $2, $3, $4, $5, $6)`,
        [late.id, JSON.stringify(late.data), JSON.stringify(late.metadata), late.recordedAt, head.hash, lateHash],
      );

      let settled = false;
      const concurrent = store.append('b', [newEvent('Concurrent')], 'no_stream').finally(() => (settled = true));
      const seen: number[] = [];
      const reader = store.subscribeToAll({ after: 1, handle: (events) => void seen.push(...events.map((e) => e.position)) });
      await new Promise((r) => setTimeout(r, 400));
      expect(settled).toBe(false);
      expect(seen).toEqual([]);
      expect(await store.headPosition()).toBe(1);

      await slow.query('COMMIT');
      slow.release();
      expect((await concurrent).position).toBe(3);
      await waitFor(() => seen.length === 2);
      await reader.stop();
      expect(seen).toEqual([2, 3]);
      expect(await store.verifyChain()).toMatchObject({ ok: true, events: 3 });
      await store.close();
    });

    it('stores quotes, backslashes and any text exactly, as values and never as SQL', async () => {
      const { store } = await openStore();
      const hostile = `o'brien\\'); DROP TABLE events; -- $$ \u0000? no: \u00e9\u{1F600}`.replace('\u0000', '');
      const stream = `stream-${hostile}`;
      const event = newEvent(`Type'${hostile}`, { text: hostile, nested: [hostile, { [hostile]: 'key' }] });
      await store.append(stream, [event], 'no_stream');
      const [read] = await store.readStream(stream);
      expect(read).toMatchObject({ streamId: stream, type: event.type, data: event.data, metadata: event.metadata });
      expect(await store.append(stream, [event], 'no_stream')).toEqual({ nextExpectedRevision: 0, position: read.position });
      expect(await store.verifyChain()).toMatchObject({ ok: true, events: 1 });
      await store.close();
    });

    it('answers as the careful way would when its one-round-trip guess is wrong', async () => {
      // Appends from one process go in one round trip on the guess that nothing changed since its
      // last commit; each way the guess can be wrong must end exactly as without it.
      const { schema, store } = await openStore();
      const other = await PgEventStore.open({ pool: schema.pool(), pollIntervalMs: 50 });
      const first = [newEvent('A0')];
      expect(await store.append('s1', first, 'no_stream')).toEqual({ nextExpectedRevision: 0, position: 1 });
      await other.append('s2', [newEvent('B0')], 'no_stream'); // the head moved under `store`
      expect(await store.append('s1', [newEvent('A1')], 0)).toEqual({ nextExpectedRevision: 1, position: 3 });
      await expect(store.append('s9', [newEvent()], 4)).rejects.toMatchObject({ name: 'ConcurrencyError', actual: 'no_stream' });
      await expect(store.append('s1', [newEvent()], 0)).rejects.toMatchObject({ name: 'ConcurrencyError', actual: 1 });
      await expect(store.append('s2', [newEvent()], 'no_stream')).rejects.toMatchObject({ name: 'ConcurrencyError', actual: 0 });
      expect(await store.append('s1', first, 'no_stream')).toEqual({ nextExpectedRevision: 0, position: 1 });
      await other.append('s2', [newEvent('B1')], 0);
      expect(await store.append('s1', [newEvent('A2')], 1)).toEqual({ nextExpectedRevision: 2, position: 5 });
      expect(await store.verifyChain()).toMatchObject({ ok: true, events: 5 });
      await Promise.all([store.close(), other.close()]);
    });

    it('reports itself unavailable once closed, even on a pool it does not own', async () => {
      const { store } = await openStore();
      await store.close();
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.append('s', [newEvent()], 'any')).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('catches an edited row and a removed tail', async () => {
      const { schema, store } = await openStore();
      await store.append('s', [newEvent('A'), newEvent('B'), newEvent('C')], 'no_stream');
      await store.saveCheckpoint('mailer', 3);
      const pool = schema.pool();
      await pool.query(`UPDATE events SET data = '{"n":2}' WHERE position = 2`);
      expect(await store.verifyChain()).toMatchObject({ ok: false, brokenAt: 2 });
      await pool.query(`UPDATE events SET data = '{"n":1}' WHERE position = 2`);
      await pool.query('DELETE FROM events WHERE position = 3');
      expect(await store.verifyChain()).toMatchObject({ ok: false, brokenAt: 3, reason: expect.stringContaining('mailer') });
      await store.close();
    });

    it('migrates once when several processes start on a new database at once', async () => {
      const schema = await database.freshSchema();
      await Promise.all(Array.from({ length: 4 }, () => migratePg(schema.pool(), 'event-store', EVENT_STORE_MIGRATIONS)));
      const { rows } = await schema.pool().query('SELECT component, version FROM schema_migrations');
      expect(rows).toEqual([{ component: 'event-store', version: 1 }]);
    });

    it('refuses a schema newer than this build', async () => {
      const schema = await database.freshSchema();
      const pool = schema.pool();
      await migratePg(pool, 'event-store', EVENT_STORE_MIGRATIONS);
      await pool.query(`INSERT INTO schema_migrations (component, version, name) VALUES ('event-store', 99, 'from the future')`);
      await expect(PgEventStore.open({ pool })).rejects.toThrow(/newer than this build/);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}
