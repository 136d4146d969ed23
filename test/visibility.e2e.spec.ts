import request from 'supertest';
import { applicationBody, openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

const SCORES = { need: 4, outcomes: 3, deliverability: 4, 'value-for-money': 3, sustainability: 5 };

/** What a caller may not see is "not found", before anything else is checked or said. */
describe('Never reveal what the caller may not see', () => {
  let t: TestApp;
  let staff: string;
  let applicant: string;
  beforeAll(async () => {
    t = await startTestApp();
    staff = t.token({ role: 'staff', sub: 'staff-1' });
    applicant = t.token({ role: 'applicant', sub: 'amy', org: 'org-amy', email: 'amy@org-amy.example' });
  });
  afterAll(async () => t.close());
  const panel = (sub: string, org?: string) => bearer(t.token({ role: 'panel', sub, org }));

  it("answers If-Match on another organisation's application with 404 and no revision, never 409", async () => {
    const round = await scheduleRound(t);
    const draft = (await request(t.http).post(`/rounds/${round.id}/applications`).set(bearer(applicant)).send(applicationBody).expect(201)).body;
    const stranger = bearer(t.token({ role: 'applicant', sub: 'eve', org: 'org-eve', email: 'eve@org-eve.example' }));
    for (const stale of ['"0"', '"7"']) {
      const patched = await request(t.http).patch(`/applications/${draft.id}`).set(stranger).set('If-Match', stale).send({ title: 'Mine' }).expect(404);
      expect(patched.text).not.toMatch(/revision|\bnow\b/);
      await request(t.http).post(`/applications/${draft.id}/submit`).set(stranger).set('If-Match', stale).expect(404);
    }
    // The owner with a stale revision is told it changed, without numbers either.
    await request(t.http).patch(`/applications/${draft.id}`).set(bearer(applicant)).send({ title: 'Changed' }).expect(200);
    const stale = await request(t.http).patch(`/applications/${draft.id}`).set(bearer(applicant)).set('If-Match', '"0"').send({ title: 'Mine' }).expect(409);
    expect(stale.body.message).toMatch(/changed since you last loaded it/);
    expect(stale.body.message).not.toMatch(/\d/);
  });

  it('hides a withdrawn bid from the panel everywhere: no conflict to declare, no score to give', async () => {
    const round = await scheduleRound(t, { panel: ['p1'] });
    const id = await openAndSubmit(t, round.id, 'org-amy');
    await request(t.http).post(`/applications/${id}/withdraw`).set(bearer(applicant)).send({ reason: 'Not this year' }).expect(200);
    await request(t.http).get(`/applications/${id}`).set(panel('p1')).expect(404);
    await request(t.http).post(`/applications/${id}/conflicts`).set(panel('p1')).send({ reason: 'I know them' }).expect(404);
    await request(t.http).put(`/applications/${id}/scores`).set(panel('p1')).send({ scores: SCORES, comment: 'x' }).expect(404);
  });

  it("keeps the applicant's revision and ETag still while the panel works", async () => {
    const round = await scheduleRound(t, { panel: ['p1', 'p2'] });
    const id = await openAndSubmit(t, round.id, 'org-amy');
    const before = await request(t.http).get(`/applications/${id}`).set(bearer(applicant)).expect(200);
    const staffBefore = (await request(t.http).get(`/applications/${id}`).set(bearer(staff)).expect(200)).body.revision;
    await request(t.http).put(`/applications/${id}/scores`).set(panel('p1')).send({ scores: SCORES, comment: 'Good' }).expect(200);
    await request(t.http).post(`/applications/${id}/conflicts`).set(panel('p2')).send({ reason: 'I chair their committee' }).expect(201);
    const after = await request(t.http).get(`/applications/${id}`).set(bearer(applicant)).expect(200);
    expect(after.body.revision).toBe(before.body.revision);
    expect(after.headers.etag).toBe(before.headers.etag);
    expect((await request(t.http).get(`/applications/${id}`).set(bearer(staff)).expect(200)).body.revision).toBe(staffBefore + 2);
    // The panel member's own view does not count the others' steps either.
    const p1View = await request(t.http).get(`/applications/${id}`).set(panel('p1')).expect(200);
    expect(p1View.body.revision).toBe(before.body.revision);
  });

  it('treats a panel member who belongs to the applicant organisation as conflicted: no page, no list entry, no score', async () => {
    const round = await scheduleRound(t, { panel: ['p-insider', 'p1'] });
    const id = await openAndSubmit(t, round.id, 'org-amy');
    const insider = panel('p-insider', 'org-amy');
    await request(t.http).get(`/applications/${id}`).set(insider).expect(404);
    expect((await request(t.http).get('/applications').set(insider).expect(200)).body.map((a: { id: string }) => a.id)).not.toContain(id);
    const refused = await request(t.http).put(`/applications/${id}/scores`).set(insider).send({ scores: SCORES, comment: 'x' }).expect(403);
    expect(refused.body.message).toMatch(/conflict of interest/);
    await request(t.http).get(`/applications/${id}`).set(panel('p1')).expect(200);
  });

  it('scores blind: a member sees only their own scores; the ranking is for staff and auditors', async () => {
    const round = await scheduleRound(t, { panel: ['p1', 'p2'] });
    const id = await openAndSubmit(t, round.id, 'org-amy');
    await request(t.http).put(`/applications/${id}/scores`).set(panel('p1')).send({ scores: SCORES, comment: 'Good' }).expect(200);
    await request(t.http).put(`/applications/${id}/scores`).set(panel('p2')).send({ scores: { ...SCORES, need: 0 }, comment: 'Weak need' }).expect(200);
    const p1View = (await request(t.http).get(`/applications/${id}`).set(panel('p1')).expect(200)).body;
    expect(p1View.yourScores).toMatchObject({ scores: SCORES, comment: 'Good' });
    expect(JSON.stringify(p1View)).not.toMatch(/Weak need|p2/);
    for (const member of ['p1', 'p2']) await request(t.http).get(`/rounds/${round.id}/ranking`).set(panel(member)).expect(403);
    const auditor = bearer(t.token({ role: 'auditor', sub: 'a-1' }));
    const ranking = (await request(t.http).get(`/rounds/${round.id}/ranking`).set(auditor).expect(200)).body;
    expect(ranking.entries[0].members.map((m: { member: string }) => m.member)).toEqual(['p1', 'p2']);
    expect((await request(t.http).get(`/applications/${id}`).set(bearer(applicant)).expect(200)).body.yourScores).toBeUndefined();
  });

  it("shows the panel a grant's decision but not its monitoring, and the grantee no note staff wrote for themselves", async () => {
    const round = await scheduleRound(t, { closesInMs: 1500, panel: ['p1'] });
    const id = await openAndSubmit(t, round.id, 'org-amy');
    await request(t.http).put(`/applications/${id}/scores`).set(panel('p1')).send({ scores: SCORES, comment: 'Good' }).expect(200);
    await waitUntilPast(round.closesAt);
    await request(t.http).post(`/applications/${id}/award`).set(bearer(staff)).send({ amountPence: 300_000 }).expect(200);
    await request(t.http).post(`/applications/${id}/rag`).set(bearer(staff)).send({ rating: 'amber', reason: 'Staff only: treasurer seems overstretched' }).expect(200);

    const panelView = (await request(t.http).get(`/applications/${id}`).set(panel('p1')).expect(200)).body;
    expect(panelView).toMatchObject({ status: 'awarded', awardedPence: 300_000 });
    for (const field of ['rag', 'ragReason', 'schedule', 'nextDue', 'overdue']) expect({ field, present: field in panelView }).toEqual({ field, present: false });
    expect(panelView.timeline.map((e: { type: string }) => e.type)).toEqual(['opened', 'submitted', 'awarded']);

    const grantee = (await request(t.http).get(`/applications/${id}`).set(bearer(applicant)).expect(200)).body;
    expect(grantee).toMatchObject({ rag: 'amber', schedule: expect.any(Array) });
    expect(grantee.ragReason).toBeUndefined();
    expect(JSON.stringify(grantee)).not.toContain('treasurer');
    expect((await request(t.http).get(`/applications/${id}`).set(bearer(staff)).expect(200)).body.ragReason).toMatch(/treasurer/);
  });
});
