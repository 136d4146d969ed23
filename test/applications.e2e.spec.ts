import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { applicationBody, openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

const SCORES = { need: 4, outcomes: 3, deliverability: 4, 'value-for-money': 3, sustainability: 5 };
// Default weights: need 2, outcomes 2, deliverability 2, value-for-money 1, sustainability 3.
const SCORES_TOTAL = 4 * 2 + 3 * 2 + 4 * 2 + 3 * 1 + 5 * 3;

describe('The pre-award journey by role', () => {
  let t: TestApp;
  let staff: string;
  let applicant: string;
  let otherOrg: string;
  let p1: string;
  let p2: string;
  let outsider: string;

  beforeEach(async () => {
    t = await startTestApp();
    staff = t.token({ role: 'staff', sub: 'staff-1' });
    applicant = t.token({ role: 'applicant', sub: 'amy', org: 'bell-foundry-gardeners', email: 'amy@gardeners.example' });
    otherOrg = t.token({ role: 'applicant', sub: 'oscar', org: 'other-org', email: 'oscar@other.example' });
    p1 = t.token({ role: 'panel', sub: 'p1' });
    p2 = t.token({ role: 'panel', sub: 'p2' });
    outsider = t.token({ role: 'panel', sub: 'p9' });
  });
  afterEach(async () => t.close());

  it('opens a draft with only a title, saves it section by section, and names every missing field when sent too early', async () => {
    const round = await scheduleRound(t);
    const draft = await request(t.http).post(`/rounds/${round.id}/applications`).set(bearer(applicant)).send({ title: 'Bees for Bell Foundry' }).expect(201);
    const early = await request(t.http).post(`/applications/${draft.body.id}/submit`).set(bearer(applicant)).expect(400);
    for (const field of ['summary', 'zone', 'theme', 'requestedPence', 'projectStart', 'projectEnd', 'sustainability']) {
      expect((early.body.message as string[]).some((m) => m.startsWith(`${field}:`))).toBe(true);
    }
    const { title: _t, ...rest } = applicationBody;
    await request(t.http).patch(`/applications/${draft.body.id}`).set(bearer(applicant)).send({ summary: rest.summary, zone: rest.zone, theme: rest.theme }).expect(200);
    await request(t.http).patch(`/applications/${draft.body.id}`).set(bearer(applicant)).send(rest).expect(200);
    await request(t.http).post(`/applications/${draft.body.id}/submit`).set(bearer(applicant)).expect(200);
  });

  it('records who accepted the offer and when; staff see it, another organisation cannot accept', async () => {
    const round = await scheduleRound(t, { closesInMs: 1500 });
    const id = await openAndSubmit(t, round.id, 'bell-foundry-gardeners');
    await request(t.http).post(`/applications/${id}/accept`).set(bearer(applicant)).expect(409);
    await waitUntilPast(round.closesAt);
    await request(t.http).post(`/applications/${id}/award`).set(bearer(staff)).send({ amountPence: 300_000 }).expect(200);
    expect((await request(t.http).get(`/applications/${id}`).set(bearer(staff)).expect(200)).body.acceptedAt).toBeNull();
    await request(t.http).post(`/applications/${id}/accept`).set(bearer(otherOrg)).expect(404);
    const accepted = await request(t.http).post(`/applications/${id}/accept`).set(bearer(applicant)).expect(200);
    expect(accepted.body.acceptedAt).toEqual(expect.any(String));
    expect(accepted.body.timeline.map((e: { type: string }) => e.type)).toContain('offer-accepted');
    expect((await request(t.http).get(`/applications/${id}`).set(bearer(staff)).expect(200)).body.acceptedAt).toBe(accepted.body.acceptedAt);
    // Accepting again changes nothing.
    expect((await request(t.http).post(`/applications/${id}/accept`).set(bearer(applicant)).expect(200)).body.acceptedAt).toBe(accepted.body.acceptedAt);
  });

  it('walks draft -> edit -> submit -> scores -> award, each role seeing what it should', async () => {
    const round = await scheduleRound(t, { closesInMs: 2500, panel: ['p1', 'p2'] });

    const draft = await request(t.http).post(`/rounds/${round.id}/applications`).set(bearer(applicant)).send(applicationBody).expect(201);
    expect(draft.body).toMatchObject({ status: 'draft', org: 'bell-foundry-gardeners', contactEmail: 'amy@gardeners.example' });
    const id = draft.body.id;

    await request(t.http).patch(`/applications/${id}`).set(bearer(applicant)).send({ requestedPence: 600_000 }).expect(200);
    await request(t.http).get(`/applications/${id}`).set(bearer(otherOrg)).expect(404);
    await request(t.http).patch(`/applications/${id}`).set(bearer(otherOrg)).send({ title: 'Mine now' }).expect(404);
    await request(t.http).get(`/applications/${id}`).set(bearer(p1)).expect(404); // drafts are private
    const submitted = await request(t.http).post(`/applications/${id}/submit`).set(bearer(applicant)).expect(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', requestedPence: 600_000 });
    await request(t.http).patch(`/applications/${id}`).set(bearer(applicant)).send({ title: 'Too late' }).expect(409);

    const scored = await request(t.http).put(`/applications/${id}/scores`).set(bearer(p1)).send({ scores: SCORES, comment: 'Good' }).expect(200);
    expect(scored.body.weightedTotal).toBe(SCORES_TOTAL);
    await request(t.http).put(`/applications/${id}/scores`).set(bearer(outsider)).send({ scores: SCORES, comment: 'x' }).expect(404);
    await request(t.http).post(`/applications/${id}/conflicts`).set(bearer(p2)).send({ reason: 'I chair their committee' }).expect(201);
    await request(t.http).put(`/applications/${id}/scores`).set(bearer(p2)).send({ scores: SCORES, comment: 'x' }).expect(403);
    await request(t.http).get(`/applications/${id}`).set(bearer(p2)).expect(404);

    const ranking = await request(t.http).get(`/rounds/${round.id}/ranking`).set(bearer(staff)).expect(200);
    expect(ranking.body.entries).toEqual([
      expect.objectContaining({ rank: 1, applicationId: id, meanWeightedScore: SCORES_TOTAL, spread: 0, members: [{ member: 'p1', weightedTotal: SCORES_TOTAL }] }),
    ]);
    // Scoring is blind: the ranking, every member's totals, is for staff and auditors.
    await request(t.http).get(`/rounds/${round.id}/ranking`).set(bearer(p1)).expect(403);
    await request(t.http).get(`/rounds/${round.id}/ranking`).set(bearer(outsider)).expect(403);

    await request(t.http).post(`/applications/${id}/award`).set(bearer(staff)).send({ amountPence: 600_000 }).expect(409); // round still open
    await waitUntilPast(round.closesAt);
    const awarded = await request(t.http)
      .post(`/applications/${id}/award`)
      .set(bearer(staff))
      .send({ amountPence: 600_000, tranches: [{ amountPence: 400_000, dueOn: '2027-01-05' }, { amountPence: 200_000, dueOn: '2027-07-01' }] })
      .expect(200);
    expect(awarded.body).toMatchObject({
      status: 'awarded',
      awardedPence: 600_000,
      conditions: ['people-zones-branding', 'steering-group-attendance'],
    });
    await request(t.http).put(`/applications/${id}/scores`).set(bearer(p1)).send({ scores: SCORES, comment: 'late' }).expect(409);
    await request(t.http).post(`/applications/${id}/decline`).set(bearer(staff)).send({ feedback: 'no' }).expect(409);

    const mine = await request(t.http).get(`/applications/${id}`).set(bearer(applicant)).expect(200);
    expect(mine.body.timeline.map((e: { type: string }) => e.type)).toEqual(['opened', 'edited', 'submitted', 'awarded']);
    expect((await request(t.http).get(`/rounds/${round.id}`)).body.committedPence).toBe(600_000);
    expect((await request(t.http).get('/applications').set(bearer(otherOrg))).body).toEqual([]);
    expect((await request(t.http).get('/applications').set(bearer(applicant))).body).toHaveLength(1);
  });

  it('declines with feedback the applicant can read, and only once', async () => {
    const round = await scheduleRound(t, { closesInMs: 1500 });
    const id = await openAndSubmit(t, round.id, 'org-d');
    await waitUntilPast(round.closesAt);
    await request(t.http).post(`/applications/${id}/decline`).set(bearer(staff)).send({ feedback: '' }).expect(400);
    await request(t.http).post(`/applications/${id}/decline`).set(bearer(staff)).send({ feedback: 'Budget unclear' }).expect(200);
    await request(t.http).post(`/applications/${id}/award`).set(bearer(staff)).send({ amountPence: 1000 }).expect(409);
    const own = t.token({ role: 'applicant', sub: 'user-org-d', org: 'org-d' });
    const view = await request(t.http).get(`/applications/${id}`).set(bearer(own)).expect(200);
    expect(view.body).toMatchObject({ status: 'declined', feedback: 'Budget unclear' });
  });

  it('enforces the submission rules, naming every problem', async () => {
    const collaborative = await scheduleRound(t, { kind: 'collaborative', maxAwardPence: 500_000 });
    const draft = await request(t.http)
      .post(`/rounds/${collaborative.id}/applications`)
      .set(bearer(applicant))
      .send({ ...applicationBody, requestedPence: 900_000, sustainability: ' ' })
      .expect(201);
    const res = await request(t.http).post(`/applications/${draft.body.id}/submit`).set(bearer(applicant)).expect(400);
    const text = res.body.message.join('\n');
    expect(text).toMatch(/sustainability/);
    expect(text).toMatch(/requestedPence: this round awards at most 500000/);
    expect(text).toMatch(/partners: a collaborative round needs at least one partner/);

    await request(t.http)
      .post(`/rounds/${collaborative.id}/applications`)
      .set(bearer(applicant))
      .send({ ...applicationBody, zone: 'thringstone-whitwick', theme: 'Knitting' })
      .expect(400)
      .expect((r) => {
        expect(r.body.message.join('\n')).toMatch(/zone: this round does not cover "thringstone-whitwick"/);
        expect(r.body.message.join('\n')).toMatch(/theme: this round does not fund "Knitting"/);
      });

    const notYet = await scheduleRound(t, { opensInMs: 3_600_000, closesInMs: 7_200_000 });
    const early = await request(t.http).post(`/rounds/${notYet.id}/applications`).set(bearer(applicant)).send(applicationBody).expect(201);
    await request(t.http).post(`/applications/${early.body.id}/submit`).set(bearer(applicant)).expect(409);
  });

  it('refuses unknown fields and names every bad one', async () => {
    const round = await scheduleRound(t);
    const res = await request(t.http)
      .post(`/rounds/${round.id}/applications`)
      .set(bearer(applicant))
      .send({ ...applicationBody, requestedPence: 12.5, projectStart: '1 Jan', contactEmail: 'nope', isAdmin: true, answers: { q1: { nested: 1 } } })
      .expect(400);
    const text = res.body.message.join('\n');
    for (const field of ['requestedPence', 'projectStart', 'contactEmail', 'isAdmin', 'answers']) expect(text).toContain(field);
  });

  it('keeps the budget exact when 24 awards race for a round that can fund 10', async () => {
    const round = await scheduleRound(t, { closesInMs: 4000, budgetPence: 1_000_000 });
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push(await openAndSubmit(t, round.id, `org-${i}`, { requestedPence: 100_000 }));
    await waitUntilPast(round.closesAt);

    const responses = await Promise.all(
      ids.map((id) => request(t.http).post(`/applications/${id}/award`).set(bearer(staff)).send({ amountPence: 100_000 })),
    );
    const won = responses.filter((r) => r.status === 200);
    const lost = responses.filter((r) => r.status === 409);
    expect(won).toHaveLength(10);
    expect(lost).toHaveLength(14);
    for (const r of lost) expect(r.body.message).toMatch(/Over budget/);

    expect((await request(t.http).get(`/rounds/${round.id}`)).body.committedPence).toBe(1_000_000);
    const store = t.app.get<EventStore>(EVENT_STORE);
    const roundEvents = await store.readStream(`round-${round.id}`);
    expect(roundEvents.filter((e) => e.type === 'RoundFundsCommitted')).toHaveLength(10);
    expect(roundEvents.filter((e) => e.type === 'RoundFundsReleased')).toHaveLength(0);
    const all = (await request(t.http).get('/applications').set(bearer(staff))).body as { status: string }[];
    expect(all.filter((a) => a.status === 'awarded')).toHaveLength(10);
    expect(all.filter((a) => a.status === 'submitted')).toHaveLength(14);
  });
});
