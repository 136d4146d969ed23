import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import request from 'supertest';
import { openPgPool } from '@pz/event-store/postgres/pg-pool';
import { createTemporaryDatabase, describeWithPostgres, TemporaryDatabase } from '@pz/event-store/postgres/testing/temporary-postgres';
import { ReadModels } from '@pz/platform';
import { copySqliteToPostgres } from '../scripts/copy-to-postgres';
import { openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

const run = promisify(execFile);

async function auditVerify(target: string): Promise<{ ok: boolean; events: number; head: { position: number; hash: string } }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', target], { cwd: join(__dirname, '..') });
  return JSON.parse(stdout);
}

function documents(rows: { collection: string; id: string; doc: string }[]): Map<string, unknown> {
  return new Map(rows.map((r) => [`${r.collection}/${r.id}`, JSON.parse(r.doc)]));
}

describeWithPostgres('Moving an installation from SQLite to PostgreSQL', () => {
  let database: TemporaryDatabase;
  let sqlite: TestApp | undefined;
  let postgres: TestApp | undefined;
  beforeAll(async () => {
    database = await createTemporaryDatabase();
  });
  afterAll(async () => {
    await postgres?.close();
    await database.drop();
  });

  it('copies the log with positions and hashes intact, then the read models rebuild and match', async () => {
    sqlite = await startTestApp();
    const staff = bearer(sqlite.token({ role: 'staff', sub: 'staff-move' }));
    const round = await scheduleRound(sqlite, { closesInMs: 2500, budgetPence: 1_000_000, panel: ['p1'] });
    const ids = [];
    for (const org of ['org-m1', 'org-m2', 'org-m3']) ids.push(await openAndSubmit(sqlite, round.id, org, { requestedPence: 100_000 }));
    await waitUntilPast(round.closesAt);
    await request(sqlite.http).post(`/applications/${ids[0]}/award`).set(staff).send({ amountPence: 100_000 }).expect(200);
    const before = (await request(sqlite.http).get(`/applications/${ids[0]}`).set(staff).expect(200)).body;
    const path = sqlite.config.sqlitePath;
    const dir = sqlite.dir;
    await sqlite.close({ keepFiles: true });

    const pool = openPgPool(database.url, { max: 2 });
    try {
      const report = await copySqliteToPostgres(path, pool);
      expect(report.copiedEvents).toBe(report.events);
      expect(report.records.pii_keys).toBeGreaterThan(0);
      // Run again (an interrupted copy resumed): nothing more to copy.
      expect((await copySqliteToPostgres(path, pool)).copiedEvents).toBe(0);
    } finally {
      await pool.end();
    }

    const [fromFile, fromDatabase] = [await auditVerify(path), await auditVerify(database.url)];
    expect(fromFile.ok).toBe(true);
    expect(fromDatabase).toEqual(fromFile);

    postgres = await startTestApp({ EVENT_STORE: 'postgres', DATABASE_URL: database.url });
    await postgres.app.get(ReadModels).waitFor(fromFile.head.position, 30_000);
    const file = new Database(path, { readonly: true });
    const expected = documents(file.prepare('SELECT collection, id, doc FROM rm_docs').all() as { collection: string; id: string; doc: string }[]);
    file.close();
    const check = openPgPool(database.url, { max: 1 });
    try {
      const rebuilt = documents((await check.query('SELECT collection, id, doc FROM rm_docs')).rows);
      expect(rebuilt.size).toBeGreaterThan(0);
      expect(rebuilt).toEqual(expected);
    } finally {
      await check.end();
    }
    // The personal-data keys came along: the application reads as it did.
    const staffThere = bearer(postgres.token({ role: 'staff', sub: 'staff-move' }));
    expect((await request(postgres.http).get(`/applications/${ids[0]}`).set(staffThere).expect(200)).body).toEqual(before);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
