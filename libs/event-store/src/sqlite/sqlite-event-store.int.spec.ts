import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { chainHash, GENESIS_HASH } from '../hash-chain';
import { eventStoreContract, newEvent } from '../testing/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';

const run = promisify(execFile);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'pz-sqlite-'));
}

eventStoreContract('SQLite', async () => {
  const dir = tempDir();
  const path = join(dir, 'store.sqlite');
  let store = new SqliteEventStore({ path, pollIntervalMs: 50 });
  return {
    store,
    async reopen() {
      await store.close();
      store = new SqliteEventStore({ path, pollIntervalMs: 50 });
      return store;
    },
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite event store specifics', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs in WAL mode with synchronous=FULL', async () => {
    const path = join(dir, 's.sqlite');
    const store = new SqliteEventStore({ path });
    await store.append('s', [newEvent()], 'no_stream');
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    // synchronous is per connection: check what the adapter sets on its own.
    const again = new SqliteEventStore({ path });
    expect(again.connectionSetting('synchronous')).toBe(2); // 2 = FULL
    await again.close();
  });

  it('group-commits appends of one tick with gap-free positions and a valid hash chain', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'g.sqlite') });
    const results = await Promise.all(
      Array.from({ length: 64 }, (_, i) => store.append(`stream-${i % 8}`, [newEvent('G', { i })], 'any')),
    );
    const positions = results.map((r) => r.position).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
    const all = await store.readAll();
    let prev = GENESIS_HASH;
    for (const e of all) {
      expect(e.prevHash).toBe(prev);
      expect(e.hash).toBe(chainHash(prev, e));
      prev = e.hash;
    }
    await store.close();
  });

  it('commits a checkpoint with the appends of its tick, and a failed neighbour does not undo it', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'c.sqlite') });
    await store.append('taken', [newEvent()], 'no_stream');
    const [ok, conflict, saved] = await Promise.allSettled([
      store.append('fresh', [newEvent()], 'no_stream'),
      store.append('taken', [newEvent()], 'no_stream'),
      store.saveCheckpoint('planner', 2),
    ]);
    expect(ok.status).toBe('fulfilled');
    expect(conflict).toMatchObject({ status: 'rejected', reason: { name: 'ConcurrencyError' } });
    expect(saved.status).toBe('fulfilled');
    await store.close();
    const again = new SqliteEventStore({ path: join(dir, 'c.sqlite') });
    expect(await again.loadCheckpoint('planner')).toBe(2);
    expect(await again.headPosition()).toBe(2);
    await again.close();
  });

  it('reads a stream with and without a range the same way', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'r.sqlite') });
    for (let i = 0; i < 5; i++) await store.append('s', [newEvent('E', { i })], i === 0 ? 'no_stream' : i - 1);
    const all = await store.readStream('s');
    expect(all.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(await store.readStream('s', { fromRevision: 2, maxCount: 2 })).toEqual(all.slice(2, 4));
    expect(await store.readStream('s', { fromRevision: 0 })).toEqual(all);
    expect(await store.readAll({ after: 1, maxCount: 3 })).toEqual(all.slice(1, 4));
    expect(Object.keys(all[0]).sort()).toEqual(
      ['data', 'hash', 'id', 'metadata', 'position', 'prevHash', 'recordedAt', 'revision', 'streamId', 'type'],
    );
    await store.close();
  });

  it('takes appends from two processes on one file without losing or duplicating any', async () => {
    const path = join(dir, 'shared.sqlite');
    await new SqliteEventStore({ path }).close();
    const script = join(__dirname, 'testing', 'append-worker.ts');
    const perProcess = 150;
    await Promise.all(
      ['p1', 'p2'].map((name) =>
        run(process.execPath, ['--import', 'tsx', script, path, name, String(perProcess)], {
          cwd: join(__dirname, '../../../..'),
          timeout: 60_000,
        }),
      ),
    );
    const store = new SqliteEventStore({ path });
    const all = await store.readAll();
    expect(all).toHaveLength(2 * perProcess);
    expect(all.map((e) => e.position)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    // Both processes also raced on one shared stream with expected revisions: it must be dense.
    const shared = await store.readStream('shared');
    expect(shared.map((e) => e.revision)).toEqual(Array.from({ length: shared.length }, (_, i) => i));
    expect(shared.length).toBe(2 * (perProcess / 3));
    let prev = GENESIS_HASH;
    for (const e of all) {
      expect(e.hash).toBe(chainHash(prev, e));
      prev = e.hash;
    }
    await store.close();
  }, 90_000);

  it('reports a store that cannot take writes (another process holds the lock) as unavailable and writes nothing', async () => {
    const path = join(dir, 'locked.sqlite');
    const writer = new SqliteEventStore({ path });
    await writer.append('s', [newEvent()], 'no_stream');
    await writer.close();
    const store = new SqliteEventStore({ path, busyTimeoutMs: 50 });
    // Another connection, as another process would, holds the write lock longer than the store waits.
    const otherWriter = new Database(path);
    otherWriter.exec('BEGIN EXCLUSIVE');
    const error = await store.append('s', [newEvent()], 0).catch((e: unknown) => e);
    expect((error as Error).name).toBe('StoreUnavailableError');
    otherWriter.close();
    await store.close();
    const check = new SqliteEventStore({ path });
    expect(await check.readStream('s')).toHaveLength(1);
    await check.close();
  });

  it('refuses to open a store written by a newer schema', async () => {
    const path = join(dir, 'future.sqlite');
    await new SqliteEventStore({ path }).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')").run();
    db.close();
    expect(() => new SqliteEventStore({ path })).toThrow(/newer than this build/);
  });
});
