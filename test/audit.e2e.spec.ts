import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import request from 'supertest';
import { applicationsProjection } from '@pz/applications';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { ReadModels } from '@pz/platform';
import { openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { bearer, startTestApp, TEST_SECRET, TestApp } from './support/test-app';

const run = promisify(execFile);
const SCORES = { need: 4, outcomes: 3, deliverability: 4, 'value-for-money': 3, sustainability: 5 };

describe('Audit: history, point-in-time state, replay, tamper evidence', () => {
  let t: TestApp;
  let auditor: string;
  let staff: string;

  beforeEach(async () => {
    t = await startTestApp();
    auditor = t.token({ role: 'auditor', sub: 'auditor-1' });
    staff = t.token({ role: 'staff', sub: 'staff-1' });
  });
  afterEach(async () => t.close());

  async function awardedApplication(): Promise<{ id: string; roundId: string; beforeAward: string }> {
    const round = await scheduleRound(t, { closesInMs: 1200, panel: ['p1'] });
    const id = await openAndSubmit(t, round.id, 'org-audit');
    await request(t.http).put(`/applications/${id}/scores`).set(bearer(t.token({ role: 'panel', sub: 'p1' }))).send({ scores: SCORES, comment: 'Good' }).expect(200);
    await waitUntilPast(round.closesAt);
    const beforeAward = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    await request(t.http).post(`/applications/${id}/award`).set(bearer(staff)).send({ amountPence: 250_000 }).expect(200);
    return { id, roundId: round.id, beforeAward };
  }

  it('shows a stream with revisions, positions, metadata and the hash chain', async () => {
    const { id } = await awardedApplication();
    const res = await request(t.http).get(`/audit/streams/application-${id}`).set(bearer(auditor)).expect(200);
    expect(res.body.map((e: { type: string }) => e.type)).toEqual([
      'ApplicationDraftOpened',
      'ApplicationSubmitted',
      'ApplicationScored',
      'ApplicationAwarded',
      'MonitoringScheduled',
    ]);
    expect(res.body.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    for (const e of res.body) {
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(e.prevHash).toMatch(/^[0-9a-f]{64}$/);
      expect(e.metadata.actor).toEqual(expect.objectContaining({ sub: expect.any(String), role: expect.any(String) }));
    }
    expect(res.body[3].metadata.actor).toEqual({ sub: 'staff-1', role: 'staff' });
    await request(t.http).get('/audit/streams/application-nope').set(bearer(auditor)).expect(404);
  });

  it('rebuilds an application as it stood before and after its award', async () => {
    const { id, beforeAward } = await awardedApplication();
    const before = await request(t.http).get(`/audit/applications/${id}/state`).query({ at: beforeAward }).set(bearer(auditor)).expect(200);
    const after = await request(t.http).get(`/audit/applications/${id}/state`).query({ at: new Date().toISOString() }).set(bearer(auditor)).expect(200);
    expect(before.body.application).toMatchObject({ status: 'submitted' });
    expect(before.body.application.awardedPence).toBeUndefined();
    expect(after.body.application).toMatchObject({ status: 'awarded', awardedPence: 250_000, conditions: ['people-zones-branding'] });
    await request(t.http).get(`/audit/applications/${id}/state`).query({ at: '2000-01-01T00:00:00Z' }).set(bearer(auditor)).expect(404);
    await request(t.http).get(`/audit/applications/${id}/state`).query({ at: 'yesterday' }).set(bearer(auditor)).expect(400);
  });

  it("shows what a panel member had in front of them when they scored", async () => {
    const { id } = await awardedApplication();
    const views = (await request(t.http).get(`/audit/applications/${id}/scoring-views`).query({ member: 'p1' }).set(bearer(auditor)).expect(200)).body;
    expect(views).toHaveLength(1);
    expect(views[0].application).toMatchObject({ status: 'submitted', title: 'Bell Foundry Community Garden' });
    expect(views[0].scoresGiven).toMatchObject({ member: 'p1', scores: SCORES });
  });

  it('folds the history once however often a member revised their scores (no work per revision)', async () => {
    const round = await scheduleRound(t, { closesInMs: 60_000, panel: ['p1', 'p2'] });
    const id = await openAndSubmit(t, round.id, 'org-revisions');
    const member = (sub: string) => bearer(t.token({ role: 'panel', sub }));
    for (let i = 0; i < 60; i++) {
      const sub = i % 2 === 0 ? 'p1' : 'p2';
      await request(t.http).put(`/applications/${id}/scores`).set(member(sub)).send({ scores: { ...SCORES, need: i % 6 }, comment: `revision ${i}` }).expect(200);
    }
    const history = await t.app.get<EventStore>(EVENT_STORE).readStream(`application-${id}`);
    const apply = jest.spyOn(applicationsProjection, 'apply');
    try {
      const views = (await request(t.http).get(`/audit/applications/${id}/scoring-views`).query({ member: 'p1' }).set(bearer(auditor)).expect(200)).body;
      expect(views).toHaveLength(30);
      expect(views[29].application.status).toBe('submitted');
      expect(apply.mock.calls.length).toBeLessThanOrEqual(history.length);
    } finally {
      apply.mockRestore();
    }
  });

  it('runs one replay at a time and gives every caller waiting for it the same answer', async () => {
    await awardedApplication();
    const store = t.app.get(ReadModels).readModelStore;
    const original = store.snapshot.bind(store);
    // A replay slow enough that the five requests are all in while it runs.
    const snapshot = jest.spyOn(store, 'snapshot').mockImplementation(async (collections) => {
      await new Promise((r) => setTimeout(r, 300));
      return original(collections);
    });
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => request(t.http).post('/audit/replay').set(bearer(auditor)).expect(200)));
      expect(snapshot).toHaveBeenCalledTimes(1);
      for (const answer of answers) expect(answer.body).toEqual(answers[0].body);
      await request(t.http).post('/audit/replay').set(bearer(auditor)).expect(200);
      expect(snapshot).toHaveBeenCalledTimes(2);
    } finally {
      snapshot.mockRestore();
    }
  });

  it('pages the global log and streams it as NDJSON', async () => {
    await awardedApplication();
    const first = (await request(t.http).get('/audit/events').query({ limit: 3 }).set(bearer(auditor)).expect(200)).body;
    expect(first.events.map((e: { position: number }) => e.position)).toEqual([1, 2, 3]);
    const second = (await request(t.http).get('/audit/events').query({ after: first.next, limit: 3 }).set(bearer(auditor)).expect(200)).body;
    expect(second.events[0].position).toBe(4);
    const ndjson = await request(t.http).get('/audit/events').set(bearer(auditor)).set('Accept', 'application/x-ndjson').expect(200);
    expect(ndjson.headers['content-type']).toMatch(/application\/x-ndjson/);
    const lines = ndjson.text.trim().split('\n').map((l) => JSON.parse(l));
    const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
    expect(lines.map((l) => l.position)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  });

  it('replays every read model from the log into the same documents, and names a difference', async () => {
    await awardedApplication();
    const replay = (await request(t.http).post('/audit/replay').set(bearer(auditor)).expect(200)).body;
    expect(replay).toMatchObject({ consistent: true, differences: [] });
    expect(replay.events).toBeGreaterThan(5);
    expect(typeof replay.durationMs).toBe('number');

    const db = new Database(t.config.sqlitePath);
    db.prepare("UPDATE rm_docs SET doc = json_set(doc, '$.committedPence', 1) WHERE collection = 'rounds'").run();
    db.close();
    const broken = (await request(t.http).post('/audit/replay').set(bearer(auditor)).expect(200)).body;
    expect(broken.consistent).toBe(false);
    expect(broken.differences[0]).toMatchObject({ document: expect.stringMatching(/^rounds\//), live: { committedPence: 1 }, replayed: { committedPence: 250_000 } });
  });

  it('verifies the chain, and names the position of an edited or deleted row and a truncated tail', async () => {
    await awardedApplication();
    const intact = (await request(t.http).get('/audit/verify').set(bearer(auditor)).expect(200)).body;
    expect(intact).toMatchObject({ ok: true });
    const head = intact.head.position;
    expect(intact.events).toBe(head);

    // Someone with disk access edits an award amount in place.
    const db = new Database(t.config.sqlitePath);
    const award = db.prepare("SELECT position, data FROM events WHERE type = 'ApplicationAwarded'").get() as { position: number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(award.data.replace('250000', '950000'), award.position);
    const edited = (await request(t.http).get('/audit/verify').set(bearer(auditor)).expect(200)).body;
    expect(edited).toMatchObject({ ok: false, brokenAt: award.position });
    expect(edited.reason).toMatch(/altered/);

    // ...or deletes a row, restoring the edit first so only the deletion counts.
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(award.data, award.position);
    db.prepare('DELETE FROM events WHERE position = 3').run();
    const deleted = (await request(t.http).get('/audit/verify').set(bearer(auditor)).expect(200)).body;
    expect(deleted).toMatchObject({ ok: false, brokenAt: 3 });
    expect(deleted.reason).toMatch(/missing/);
    db.close();
  });

  it('catches a truncated tail against checkpoints and a recorded head, online and offline', async () => {
    await awardedApplication();
    const intact = (await request(t.http).get('/audit/verify').set(bearer(auditor)).expect(200)).body;
    const head = intact.head as { position: number; hash: string };

    const ndjson = await request(t.http).get('/audit/events').set(bearer(auditor)).set('Accept', 'application/x-ndjson').expect(200);
    const exportFile = join(t.dir, 'export.ndjson');
    writeFileSync(exportFile, ndjson.text);
    const env = { ...process.env, AUTH_JWT_SECRET: TEST_SECRET, NODE_ENV: 'test' };
    const root = join(__dirname, '..');
    const ok = await run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', exportFile, '--expect-head', `${head.position}:${head.hash}`], { cwd: root, env });
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, events: head.position });

    const truncated = ndjson.text.trim().split('\n').slice(0, -2).join('\n');
    writeFileSync(exportFile, `${truncated}\n`);
    const cut = await run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', exportFile, '--expect-head', String(head.position)], { cwd: root, env }).catch((e) => e);
    expect(cut.code).toBe(1);
    expect(JSON.parse(cut.stdout)).toMatchObject({ ok: false, brokenAt: head.position - 1 });

    const db = new Database(t.config.sqlitePath);
    db.prepare('DELETE FROM events WHERE position > ?').run(head.position - 2);
    db.close();
    const online = (await request(t.http).get('/audit/verify').set(bearer(auditor)).expect(200)).body;
    expect(online).toMatchObject({ ok: false, brokenAt: head.position - 1 });
    expect(online.reason).toMatch(/removed from the end/);
    const offline = await run(process.execPath, ['--import', 'tsx', 'scripts/audit-verify.ts', t.config.sqlitePath], { cwd: root, env }).catch((e) => e);
    expect(offline.code).toBe(1);
    expect(JSON.parse(offline.stdout)).toMatchObject({ ok: false, brokenAt: head.position - 1 });
  });

  it('keeps the chain valid after a person is crypto-shredded', async () => {
    const { id } = await awardedApplication();
    const { PersonalDataVault } = await import('@pz/people');
    const vault = t.app.get(PersonalDataVault);
    await vault.erase(await vault.personIdFor('org-audit@example.org'));
    expect((await request(t.http).get('/audit/verify').set(bearer(auditor)).expect(200)).body.ok).toBe(true);
    const view = (await request(t.http).get(`/applications/${id}`).set(bearer(staff)).expect(200)).body;
    expect(view.contactEmail).toBe('[erased]');
  });
});

describe('NDJSON export of a long log', () => {
  it('streams 100,000 events holding no more memory than at the start', async () => {
    // A separate process with --expose-gc (and SWC, which keeps the decorator metadata Nest needs):
    // the heap is measured after forced collections, so
    // only memory still held counts, whatever else jest is doing.
    const { stdout } = await run(process.execPath, ['--expose-gc', '-r', '@swc-node/register', 'test/support/ndjson-export-child.ts'], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, NODE_ENV: 'test' },
      timeout: 110_000,
      maxBuffer: 1024 * 1024,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as { lines: number; bytes: number; baseline: number; peak: number };
    expect(result.lines).toBe(100_000);
    expect(result.bytes).toBeGreaterThan(40 * 1024 * 1024);
    // Holding the export would keep tens of megabytes alive; streaming keeps a page or two.
    expect(result.peak - result.baseline).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);
});
