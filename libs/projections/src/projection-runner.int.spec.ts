import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { SqliteEventStore } from '@pz/event-store';
import { newEvent, waitUntil } from '@pz/event-store/testing/event-store.contract';
import type { ReadModelStore } from './document-store';
import { ProjectionRunner, ProjectionTimeoutError } from './projection-runner';
import { replayIntoScratch } from './replay';
import { SqliteReadModelStore } from './sqlite/sqlite-read-model-store';
import { ledger, type LedgerAccount } from './testing/ledger-projection';

describe('ProjectionRunner', () => {
  let dir: string;
  let path: string;
  let store: SqliteEventStore;
  let db: Database.Database;
  let readModels: ReadModelStore;
  /** Another process's read-model connection to the same file. */
  const elsewhere = () => new SqliteReadModelStore(new Database(path));
  const snapshot = async (on: ReadModelStore) => (await on.snapshot(['accounts'])).documents;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pz-proj-'));
    path = join(dir, 'store.sqlite');
    store = new SqliteEventStore({ path, pollIntervalMs: 20 });
    db = new Database(path);
    readModels = new SqliteReadModelStore(db);
  });
  afterEach(async () => {
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function deposit(account: string, amount: number) {
    return store.append(`account-${account}`, [newEvent('Deposited', { account, amount })], 'any');
  }

  it('waits for a write to be projected (read-your-writes) and reports lag', async () => {
    const runner = new ProjectionRunner(store, readModels, [ledger()]);
    await runner.start();
    const { position } = await deposit('a', 5);
    await runner.waitFor(position);
    expect(await runner.documents.get('accounts', 'a')).toEqual({ total: 5, history: [position] });
    expect(await runner.status()).toEqual([{ name: 'ledger', version: 1, position, lag: 0 }]);
    await runner.stop();

    await deposit('a', 1);
    expect((await runner.status())[0].lag).toBe(1);
  });

  it('times out a wait it cannot satisfy', async () => {
    const runner = new ProjectionRunner(store, readModels, [ledger()]);
    await runner.start();
    await expect(runner.waitFor(999, 50)).rejects.toBeInstanceOf(ProjectionTimeoutError);
    await runner.stop();
  });

  it('rebuilds from zero into exactly the same documents', async () => {
    for (let i = 0; i < 300; i++) await deposit(`acc-${i % 7}`, i);
    const runner = new ProjectionRunner(store, readModels, [ledger()], { batchSize: 64 });
    await runner.start();
    await runner.waitFor(await store.headPosition());
    const before = await snapshot(readModels);
    expect(before.size).toBe(7);

    await runner.rebuild();
    expect(await snapshot(readModels)).toEqual(before);

    const scratch = await replayIntoScratch(store, [ledger()], await store.headPosition(), 50);
    expect(scratch.events).toBe(300);
    expect(scratch.documents.snapshot(['accounts'])).toEqual(before);
    await runner.stop();
  });

  it('resumes from its persisted checkpoint after a restart, applying nothing twice', async () => {
    const applied: number[] = [];
    const first = new ProjectionRunner(store, readModels, [ledger(1, (e) => applied.push(e.position))]);
    await first.start();
    await first.waitFor((await deposit('a', 1)).position);
    await first.stop();
    await deposit('a', 2);
    const second = new ProjectionRunner(store, readModels, [ledger(1, (e) => applied.push(e.position))]);
    await second.start();
    await second.waitFor(await store.headPosition());
    expect(applied).toEqual([1, 2]);
    expect(await second.documents.get('accounts', 'a')).toEqual({ total: 3, history: [1, 2] });
    await second.stop();
  });

  it('rebuilds a projection whose version changed', async () => {
    await deposit('a', 1);
    const v1 = new ProjectionRunner(store, readModels, [ledger(1)]);
    await v1.start();
    await v1.waitFor(1);
    await v1.stop();
    db.prepare("UPDATE rm_docs SET doc = '{\"total\":999,\"history\":[]}'").run();
    const v2 = new ProjectionRunner(store, readModels, [ledger(2)]);
    await v2.start();
    await v2.waitFor(1);
    expect(await v2.documents.get('accounts', 'a')).toEqual({ total: 1, history: [1], by: 2 });
    await v2.stop();
  });

  it('never applies an event twice when two runners share one read-model file', async () => {
    for (let i = 0; i < 200; i++) await deposit('shared', 1);
    const otherDb = elsewhere();
    const one = new ProjectionRunner(store, readModels, [ledger()], { batchSize: 7 });
    const two = new ProjectionRunner(store, otherDb, [ledger()], { batchSize: 11 });
    await one.start();
    await two.start();
    const head = await store.headPosition();
    await Promise.all([one.waitFor(head), two.waitFor(head)]);
    expect(await one.documents.get('accounts', 'shared')).toMatchObject({ total: 200 });
    await Promise.all([one.stop(), two.stop()]);
    await otherDb.close();
  });

  it('retries a failed batch from the stored documents, not from what the failed attempt left in memory', async () => {
    await deposit('a', 1);
    await deposit('a', 2);
    let failOnce = true;
    const flaky = ledger(1, (e) => {
      if (e.position === 2 && failOnce) {
        failOnce = false;
        throw new Error('transient');
      }
    });
    const runner = new ProjectionRunner(store, readModels, [flaky], { onError: () => undefined });
    await runner.start();
    await waitUntil(() => runner.position >= 2, 8000);
    // Event 1 was applied in memory before event 2 failed; applied twice it would read 4.
    expect(await runner.documents.get('accounts', 'a')).toEqual({ total: 3, history: [1, 2] });
    await runner.stop();
  });

  it('keeps documents parsed between batches only while nobody else applies events to them', async () => {
    const one = new ProjectionRunner(store, readModels, [ledger()]);
    await one.start();
    await one.waitFor((await deposit('a', 1)).position);
    await one.stop();
    // Meanwhile another process's runner (another connection) applies the next deposit.
    const otherDb = elsewhere();
    const two = new ProjectionRunner(store, otherDb, [ledger()]);
    const second = await deposit('a', 2);
    await two.start();
    await two.waitFor(second.position);
    await two.stop();
    await otherDb.close();
    // The first runner still holds the document as it left it (total 1): it must not build on that.
    await one.start();
    const third = await deposit('a', 4);
    await one.waitFor(third.position);
    expect(await one.documents.get('accounts', 'a')).toEqual({ total: 7, history: [1, second.position, third.position] });
    await one.stop();
  });

  it('keeps documents parsed between batches while the event store appends to the same file', async () => {
    const runner = new ProjectionRunner(store, readModels, [ledger()]);
    await runner.start();
    await runner.waitFor((await deposit('a', 1)).position);
    // Read models are written only by runners (a repair is a rebuild): a document changed behind
    // the checkpoints' back stays unseen while the cache holds it, which shows the cache survived
    // the appends in between (PRAGMA data_version moves with every one of them).
    const other = new Database(path);
    other.prepare('UPDATE rm_docs SET doc = ? WHERE collection = ? AND id = ?').run(JSON.stringify({ total: 100, history: [] }), 'accounts', 'a');
    other.close();
    const { position } = await deposit('a', 2);
    await runner.waitFor(position);
    expect(await runner.documents.get('accounts', 'a')).toEqual({ total: 3, history: [1, position] });
    await runner.stop();
  });

  it('hands queries the same parsed document until a batch rewrites it', async () => {
    const runner = new ProjectionRunner(store, readModels, [ledger()]);
    await runner.start();
    await runner.waitFor((await deposit('a', 1)).position);
    await runner.waitFor((await deposit('b', 1)).position);
    const a = (await runner.documents.get<{ total: number; history: number[] }>('accounts', 'a'))!;
    const b = await runner.documents.get('accounts', 'b');
    expect(await runner.documents.get('accounts', 'a')).toBe(a);
    // Shared between callers, so nobody may change it for the next one.
    expect(() => (a.total = 99)).toThrow(TypeError);
    expect(() => a.history.push(99)).toThrow(TypeError);
    const { position } = await deposit('a', 2);
    await runner.waitFor(position);
    // Our own batch rewrote a (read again) and left b alone (still the same object).
    expect(await runner.documents.get('accounts', 'a')).toEqual({ total: 3, history: [1, position] });
    expect(await runner.documents.get('accounts', 'b')).toBe(b);
    await runner.stop();
  });

  it('reads queries\' documents again once another runner has moved the checkpoints', async () => {
    const one = new ProjectionRunner(store, readModels, [ledger()]);
    await one.start();
    await one.waitFor((await deposit('a', 1)).position);
    expect(await one.documents.get('accounts', 'a')).toEqual({ total: 1, history: [1] });
    await one.stop();
    const otherDb = elsewhere();
    const two = new ProjectionRunner(store, otherDb, [ledger()]);
    await two.start();
    const { position } = await deposit('a', 2);
    await two.waitFor(position);
    await two.stop();
    await otherDb.close();
    expect(await one.documents.get('accounts', 'a')).toEqual({ total: 3, history: [1, position] });
  });

  it('retries a failed batch without losing the events in it', async () => {
    let failures = 0;
    const flaky = ledger(1, () => {
      if (failures < 2) {
        failures += 1;
        throw new Error('transient');
      }
    });
    const errors: unknown[] = [];
    const runner = new ProjectionRunner(store, readModels, [flaky], { onError: (e) => errors.push(e) });
    await runner.start();
    const { position } = await deposit('a', 7);
    await waitUntil(() => runner.position >= position, 8000);
    expect(errors).toHaveLength(2);
    expect(await runner.documents.get('accounts', 'a')).toEqual({ total: 7, history: [position] });
    await runner.stop();
  });

  describe('with another build in another process on the same file (a rolling deploy)', () => {
    let child: ChildProcess | undefined;
    let output = '';
    afterEach(() => {
      child?.kill('SIGKILL');
      child = undefined;
    });

    /** A runner of `version` in its own process; resolves once it has caught up with the log. */
    async function runnerProcess(version: number): Promise<void> {
      output = '';
      child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/projections/src/testing/runner-child.ts', path, String(version)], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const head = await store.headPosition();
      await waitUntil(() => output.includes(`CAUGHT-UP ${head}`), 30_000);
    }

    const accounts = async () => [...(await snapshot(readModels)).values()] as LedgerAccount[];

    it("an older build still running never writes its older meaning over a newer build's reset and rebuild", async () => {
      for (let i = 0; i < 3000; i++) await deposit(`acc-${i % 50}`, 1);
      await runnerProcess(1);

      // The new build starts while the old one keeps following live writes.
      const newer = new ProjectionRunner(store, readModels, [ledger(2)], { batchSize: 101 });
      const writes = (async () => {
        for (let i = 0; i < 500; i++) await deposit(`acc-${i % 50}`, 1);
      })();
      await newer.start();
      await writes;
      const head = await store.headPosition();
      await newer.waitFor(head, 30_000);
      await waitUntil(() => output.includes(`CAUGHT-UP ${head}`), 30_000);

      const docs = await accounts();
      expect(docs).toHaveLength(50);
      expect(docs.reduce((sum, d) => sum + d.total, 0)).toBe(3500);
      expect(docs.every((d) => d.by === 2)).toBe(true);
      expect((await readModels.checkpoints()).get('ledger')).toEqual({ position: head, version: 2 });

      // The new process pauses (a restart); the old one is alone with new writes for a while.
      await newer.stop();
      for (let i = 0; i < 50; i++) await deposit(`acc-${i}`, 1);
      await new Promise((r) => setTimeout(r, 500));
      expect((await readModels.checkpoints()).get('ledger')).toEqual({ position: head, version: 2 });
      expect((await accounts()).every((d) => d.by === 2)).toBe(true);

      const restarted = new ProjectionRunner(store, readModels, [ledger(2)]);
      await restarted.start();
      await restarted.waitFor(await store.headPosition());
      expect((await accounts()).reduce((sum, d) => sum + d.total, 0)).toBe(3550);
      await restarted.stop();
    }, 90_000);

    it('an older build restarting after the deploy leaves the newer read model as it is', async () => {
      for (let i = 0; i < 500; i++) await deposit(`acc-${i % 10}`, 1);
      const newer = new ProjectionRunner(store, readModels, [ledger(2)]);
      await newer.start();
      await newer.waitFor(await store.headPosition());

      await runnerProcess(1);
      const { position } = await deposit('acc-0', 1);
      await newer.waitFor(position);
      await waitUntil(() => output.includes(`CAUGHT-UP ${position}`), 30_000);

      const docs = await accounts();
      expect(docs.reduce((sum, d) => sum + d.total, 0)).toBe(501);
      expect(docs.every((d) => d.by === 2)).toBe(true);
      expect((await readModels.checkpoints()).get('ledger')).toEqual({ position, version: 2 });
      await newer.stop();
    }, 60_000);
  });
});
