import request from 'supertest';
import Database from 'better-sqlite3';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { applicationBody, openAndSubmit, scheduleRound } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

const SCORES = { need: 4, outcomes: 3, deliverability: 4, 'value-for-money': 3, sustainability: 5 };

describe('Concurrency: no lost update, a 409 where one is due', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => t.close());

  it('records every panel member when ten score one application at once', async () => {
    const panel = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const round = await scheduleRound(t, { panel });
    const id = await openAndSubmit(t, round.id, 'org-c');
    const responses = await Promise.all(
      panel.map((member, i) =>
        request(t.http)
          .put(`/applications/${id}/scores`)
          .set(bearer(t.token({ role: 'panel', sub: member })))
          .send({ scores: { ...SCORES, need: i % 6 }, comment: `member ${i}` }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(panel.map(() => 200));
    const ranking = (await request(t.http).get(`/rounds/${round.id}/ranking`).set(bearer(t.token({ role: 'staff', sub: 's' }))).expect(200)).body;
    expect(ranking.entries[0].members.map((m: { member: string }) => m.member).sort()).toEqual([...panel].sort());
    const scored = (await t.app.get<EventStore>(EVENT_STORE).readStream(`application-${id}`)).filter((e) => e.type === 'ApplicationScored');
    expect(scored).toHaveLength(10);
  });

  it('accepts submissions before the closing instant and refuses them from it, whatever the race', async () => {
    // Far enough ahead to open every draft before the first submission is due, even on a loaded machine.
    const round = await scheduleRound(t, { closesInMs: 6000 });
    const applicant = bearer(t.token({ role: 'applicant', sub: 'u', org: 'org-race', email: 'race@example.org' }));
    // Opened at once (appends commit together), so a machine busy with other work still has them all in time.
    const drafts = await Promise.all(
      Array.from({ length: 40 }, async () => (await request(t.http).post(`/rounds/${round.id}/applications`).set(applicant).send(applicationBody).expect(201)).body.id as string),
    );
    const closesAt = Date.parse(round.closesAt);
    const responses = await Promise.all(
      drafts.map(async (id, i) => {
        // From 400 ms before the closing instant to 380 ms after it: wide enough that a slow
        // machine still lands submissions on both sides.
        const fireAt = closesAt - 400 + i * 20;
        await new Promise((r) => setTimeout(r, Math.max(0, fireAt - Date.now())));
        return request(t.http).post(`/applications/${id}/submit`).set(applicant);
      }),
    );
    // The race really straddled the closing instant: some submissions were taken, some refused.
    const statuses = responses.map((r) => r.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(409);
    for (const r of responses) expect([200, 409]).toContain(r.status);
    const store = t.app.get<EventStore>(EVENT_STORE);
    for (const [i, id] of drafts.entries()) {
      const submitted = (await store.readStream(`application-${id}`)).find((e) => e.type === 'ApplicationSubmitted');
      if (responses[i].status === 200) {
        expect(submitted).toBeDefined();
        expect(Date.parse((submitted!.data as { submittedAt: string }).submittedAt)).toBeLessThan(closesAt);
      } else {
        expect(submitted).toBeUndefined();
        expect(responses[i].body.message).toMatch(/closed/);
      }
    }
  });

  it('never loses an edit that raced a submission: it is in the submitted bid, or it was refused', async () => {
    const round = await scheduleRound(t);
    const applicant = bearer(t.token({ role: 'applicant', sub: 'u', org: 'org-edit', email: 'edit@example.org' }));
    const drafts: string[] = [];
    for (let i = 0; i < 15; i++) {
      drafts.push((await request(t.http).post(`/rounds/${round.id}/applications`).set(applicant).send(applicationBody).expect(201)).body.id);
    }
    const outcomes = await Promise.all(
      drafts.map(async (id, i) => {
        const [edit, submit] = await Promise.all([
          request(t.http).patch(`/applications/${id}`).set(applicant).send({ title: `Edited ${i}` }),
          request(t.http).post(`/applications/${id}/submit`).set(applicant),
        ]);
        return { id, i, edit: edit.status, submit: submit.status };
      }),
    );
    const store = t.app.get<EventStore>(EVENT_STORE);
    for (const o of outcomes) {
      expect(o.submit).toBe(200);
      expect([200, 409]).toContain(o.edit);
      const types = (await store.readStream(`application-${o.id}`)).map((e) => e.type);
      const view = (await request(t.http).get(`/applications/${o.id}`).set(applicant).expect(200)).body;
      if (o.edit === 200) {
        expect(types).toEqual(['ApplicationDraftOpened', 'ApplicationDraftEdited', 'ApplicationSubmitted']);
        expect(view.title).toBe(`Edited ${o.i}`);
      } else {
        expect(types).toEqual(['ApplicationDraftOpened', 'ApplicationSubmitted']);
        expect(view.title).toBe(applicationBody.title);
      }
    }
  });

  it('refuses an edit made against a stale revision (If-Match) with a 409', async () => {
    const round = await scheduleRound(t);
    const applicant = bearer(t.token({ role: 'applicant', sub: 'u', org: 'org-etag', email: 'etag@example.org' }));
    const draft = await request(t.http).post(`/rounds/${round.id}/applications`).set(applicant).send(applicationBody).expect(201);
    expect(draft.headers.etag).toBe('"0"');
    const edited = await request(t.http).patch(`/applications/${draft.body.id}`).set(applicant).set('If-Match', '"0"').send({ title: 'First editor' }).expect(200);
    expect(edited.headers.etag).toBe('"1"');
    const stale = await request(t.http).patch(`/applications/${draft.body.id}`).set(applicant).set('If-Match', '"0"').send({ title: 'Second editor' }).expect(409);
    expect(stale.body.message).toMatch(/changed/);
    expect((await request(t.http).get(`/applications/${draft.body.id}`).set(applicant)).body.title).toBe('First editor');
  });
});

describe('Outage: the event store cannot take writes', () => {
  it('answers 503 with a clear message, records nothing, and recovers', async () => {
    const t = await startTestApp();
    try {
      const staff = bearer(t.token({ role: 'staff', sub: 's' }));
      const round = await scheduleRound(t);
      const store = t.app.get<EventStore>(EVENT_STORE);
      const before = await store.headPosition();
      // Another connection, as another process would, holds the write lock longer than the store
      // waits for it (its default busy timeout, 5 s).
      const otherWriter = new Database(t.config.sqlitePath);
      otherWriter.exec('BEGIN EXCLUSIVE');
      try {
        const res = await request(t.http).put(`/rounds/${round.id}/panel`).set(staff).send({ members: ['p1'] }).expect(503);
        expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/cannot accept writes.*nothing was recorded/) });
        expect(await store.headPosition()).toBe(before);
        await request(t.http).get(`/rounds/${round.id}`).expect(200); // reads still work
      } finally {
        otherWriter.close(); // rolls back, releasing the lock
      }
      await request(t.http).put(`/rounds/${round.id}/panel`).set(staff).send({ members: ['p1'] }).expect(200);
    } finally {
      await t.close();
    }
  });
});
