import request from 'supertest';
import { openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

describe('Post-award monitoring over HTTP', () => {
  let t: TestApp;
  let staff: string;
  let grantee: string;
  let grantId: string;

  beforeEach(async () => {
    t = await startTestApp();
    staff = t.token({ role: 'staff', sub: 'staff-1' });
    grantee = t.token({ role: 'applicant', sub: 'user-org-m', org: 'org-m', email: 'org-m@example.org' });
    const round = await scheduleRound(t, { closesInMs: 1200 });
    grantId = await openAndSubmit(t, round.id, 'org-m', { projectEnd: '2027-12-31' });
    await waitUntilPast(round.closesAt);
    await request(t.http).post(`/applications/${grantId}/award`).set(bearer(staff)).send({ amountPence: 300_000 }).expect(200);
  });
  afterEach(async () => t.close());

  it('shows the schedule fixed at award: check-in a month on, quarterly returns, the case study at the end', async () => {
    const view = (await request(t.http).get(`/applications/${grantId}`).set(bearer(grantee)).expect(200)).body;
    expect(view.rag).toBe('green');
    expect(view.nextDue).toMatchObject({ key: 'check-in', kind: 'check-in', label: 'first-month check-in' });
    const awardedAt = Date.parse(view.decidedAt);
    const checkInDue = Date.parse(view.nextDue.dueAt);
    expect(checkInDue - awardedAt).toBeGreaterThanOrEqual(28 * 86_400_000);
    expect(checkInDue - awardedAt).toBeLessThanOrEqual(31 * 86_400_000);
    const kinds = view.schedule.map((i: { kind: string }) => i.kind);
    expect(kinds[0]).toBe('check-in');
    expect(kinds.at(-1)).toBe('case-study');
    expect(kinds.filter((k: string) => k === 'return').length).toBeGreaterThanOrEqual(4);
    expect(view.schedule.at(-1).dueAt).toBe('2027-12-31T23:59:59.999Z');
  });

  it('files a check-in and returns; a not-on-track return turns Amber (for support) with a staff-visible reason', async () => {
    await request(t.http).post(`/applications/${grantId}/check-in`).set(bearer(grantee)).send({ summary: 'Started', supportNeeded: 'none' }).expect(201);
    await request(t.http).post(`/applications/${grantId}/check-in`).set(bearer(grantee)).send({ summary: 'Again', supportNeeded: 'none' }).expect(409);
    const afterReturn = await request(t.http)
      .post(`/applications/${grantId}/monitoring-returns`)
      .set(bearer(grantee))
      .send({ period: 'Q1', spentPence: 50_000, beneficiaries: 12, progress: 'Venue fell through', onTrack: false, issues: 'Need a new venue' })
      .expect(201);
    expect(afterReturn.body).toMatchObject({ rag: 'amber', ragReason: expect.stringMatching(/not on track/) });
    expect(afterReturn.body.nextDue).toMatchObject({ key: 'return-2' });

    const board = (await request(t.http).get('/monitoring/rag').set(bearer(staff)).expect(200)).body;
    expect(board).toEqual([expect.objectContaining({ applicationId: grantId, rag: 'amber', ragBy: 'system', overdue: [] })]);

    const back = await request(t.http)
      .post(`/applications/${grantId}/monitoring-returns`)
      .set(bearer(grantee))
      .send({ period: 'Q2', spentPence: 80_000, beneficiaries: 30, progress: 'New venue, going well', onTrack: true })
      .expect(201);
    expect(back.body).toMatchObject({ rag: 'green', ragReason: 'Monitoring is up to date' });
  });

  it('lets staff rate by hand with a reason, which stands until monitoring next changes', async () => {
    const rated = await request(t.http).post(`/applications/${grantId}/rag`).set(bearer(staff)).send({ rating: 'red', reason: 'Safeguarding concern' }).expect(200);
    expect(rated.body).toMatchObject({ rag: 'red', ragReason: 'Safeguarding concern' });
    await request(t.http).post(`/applications/${grantId}/rag`).set(bearer(staff)).send({ rating: 'purple', reason: '' }).expect(400);
    // Filing the check-in changes nothing in the policy's verdict (still green), so staff's red stands.
    const filed = await request(t.http).post(`/applications/${grantId}/check-in`).set(bearer(grantee)).send({ summary: 'Started', supportNeeded: '' }).expect(201);
    expect(filed.body.rag).toBe('red');
  });

  it('lets staff move the project dates with a reason; what is still to file moves with them, the grantee sees why', async () => {
    const before = (await request(t.http).get(`/applications/${grantId}`).set(bearer(grantee)).expect(200)).body;
    const moved = await request(t.http)
      .post(`/applications/${grantId}/project-dates`)
      .set(bearer(staff))
      .send({ projectStart: before.projectStart, projectEnd: '2028-03-31', reason: 'The group asked for three more months' })
      .expect(200);
    expect(moved.body.projectEnd).toBe('2028-03-31');
    // 31 March 2028 is after the clocks go forward: the end of that day in UK time is 22:59:59.999 UTC.
    expect(moved.body.schedule.at(-1)).toMatchObject({ kind: 'case-study', dueAt: '2028-03-31T22:59:59.999Z' });
    expect(moved.body.schedule.length).toBeGreaterThan(before.schedule.length);
    expect(moved.body.schedule.slice(0, before.schedule.length - 1)).toEqual(before.schedule.slice(0, -1));

    const seen = (await request(t.http).get(`/applications/${grantId}`).set(bearer(grantee)).expect(200)).body;
    expect(seen.timeline.at(-1)).toMatchObject({ type: 'dates-changed' });
    await request(t.http)
      .post(`/applications/${grantId}/project-dates`)
      .set(bearer(staff))
      .send({ projectStart: '2028-01-01', projectEnd: '2027-01-01', reason: ' ' })
      .expect(400)
      .expect((res) => expect(JSON.stringify(res.body)).toMatch(/reason/));
  });

  it('closes the grant with the case study', async () => {
    const closed = await request(t.http)
      .post(`/applications/${grantId}/case-study`)
      .set(bearer(grantee))
      .send({
        title: 'Growing together',
        summary: 'Families built a garden.',
        outcomes: 'Forty households',
        beneficiaries: 40,
        quote: 'It brought the street together',
        lessons: 'Start in spring',
        sustainability: 'Plant sales',
        consentToPublish: true,
      })
      .expect(201);
    expect(closed.body).toMatchObject({ status: 'closed' });
    expect(closed.body.timeline.at(-1).type).toBe('closed');
    expect((await request(t.http).get('/monitoring/rag').set(bearer(staff))).body).toEqual([]);
    await request(t.http).post(`/applications/${grantId}/check-in`).set(bearer(grantee)).send({ summary: 'x', supportNeeded: '' }).expect(409);
  });

  it('keeps monitoring to the grantee organisation', async () => {
    const other = t.token({ role: 'applicant', sub: 'x', org: 'org-x' });
    await request(t.http).post(`/applications/${grantId}/check-in`).set(bearer(other)).send({ summary: 'x', supportNeeded: '' }).expect(404);
  });
});
