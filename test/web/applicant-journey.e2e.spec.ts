import request from 'supertest';
import { PersonalDataVault } from '@pz/people';
import { scheduleRound, waitUntilPast } from '../support/journey';
import { csrfTokenIn, errorSummaryOf } from '../support/pages';
import { Agent, registerOrganisation, signIn } from '../support/sign-in';
import { backgroundWorkDone } from '../support/subscriptions';
import { bearer, startTestApp, TestApp } from '../support/test-app';
import { lastMailTo } from '../support/sign-in';

/** Each section's good answers, as a volunteer types them. */
const GOOD: Record<string, Record<string, string>> = {
  about: { title: 'Saffron Lane Summer Fun Days', summary: 'Six free summer days for families on the estate.' },
  where: { zone: 'bell-foundry', theme: 'Pride of Place' },
  dates: { 'projectStart-day': '1', 'projectStart-month': '9', 'projectStart-year': '2027', 'projectEnd-day': '31', 'projectEnd-month': '8', 'projectEnd-year': '2028' },
  money: { requestedPounds: '3,000' },
  sustainability: { sustainability: 'Parents who volunteer this year run it next year, with a small charge for trips.' },
  partners: { partners: '' },
  contact: { contactEmail: 'fun.days@example.org' },
};

async function startDraft(agent: Agent, roundId: string, title = 'Summer fun'): Promise<string> {
  const start = await agent.get(`/my/applications/new?round=${roundId}`).expect(200);
  const made = await agent.post('/my/applications/new').type('form').send({ _csrf: csrfTokenIn(start.text), round: roundId, title }).expect(303);
  return made.headers.location.split('/').pop()!;
}

async function answer(agent: Agent, id: string, section: string, fields: Record<string, string>, extra: Record<string, string> = {}) {
  const page = await agent.get(`/my/applications/${id}/answers/${section}`).expect(200);
  const revision = /name="revision" value="(\d+)"/.exec(page.text)![1];
  const was = /name="was" value="([^"]+)"/.exec(page.text)![1];
  return agent.post(`/my/applications/${id}/answers/${section}`).type('form').send({ _csrf: csrfTokenIn(page.text), revision, was, ...fields, ...extra });
}

/** Issue 16's journey through the pages, as a browser sends them (the real browser runs it in applicant.browser.e2e). */
describe('an applicant applies, tracks, accepts and reports', () => {
  let t: TestApp;
  let volunteer: Agent;
  let colleague: Agent;
  let orgId: string;

  beforeAll(async () => {
    t = await startTestApp();
    volunteer = await signIn(t, 'volunteer@example.org');
    orgId = await registerOrganisation(t, await t.app.get(PersonalDataVault).personIdFor('volunteer@example.org'), 'Saffron Lane Residents');
    const { InviteMemberCommand } = await import('@pz/identity');
    const { CommandBus } = await import('@nestjs/cqrs');
    const { ReadModels } = await import('@pz/platform');
    const volunteerId = await t.app.get(PersonalDataVault).personIdFor('volunteer@example.org');
    const { position } = await t.app.get(CommandBus).execute(new InviteMemberCommand({ orgId, email: 'colleague@example.org' }, { actor: { sub: volunteerId, role: 'applicant' }, now: new Date().toISOString(), correlationId: 'invite' }));
    await t.app.get(ReadModels).waitFor(position);
    colleague = await signIn(t, 'colleague@example.org');
  });
  afterAll(async () => t?.close());

  it('a draft from title to sent: every section, errors keep what was typed, check answers, one send, a receipt by email', async () => {
    const round = await scheduleRound(t, { name: 'Summer round 2027', closesInMs: 60_000 });
    const id = await startDraft(volunteer, round.id);
    let tasks = await volunteer.get(`/my/applications/${id}`).expect(200);
    expect(tasks.text).toContain('Not yet started');
    expect(tasks.text).toContain('Cannot start yet');

    // An error on each kind of field keeps what was typed.
    let refused = await answer(volunteer, id, 'about', { title: '', summary: 'Typed summary' });
    expect(refused.status).toBe(400);
    expect(errorSummaryOf(refused.text)).toEqual(['Enter the name of your project']);
    expect(refused.text).toContain('Typed summary');
    refused = await answer(volunteer, id, 'where', { zone: 'nowhere' });
    expect(errorSummaryOf(refused.text)).toEqual(['Select the People Zone your project is in', 'Select the theme your project is about']);
    refused = await answer(volunteer, id, 'dates', { ...GOOD.dates, 'projectStart-day': '31', 'projectStart-month': '2' });
    expect(errorSummaryOf(refused.text)).toEqual(['Enter the start date as a real date, for example 1 9 2026']);
    expect(refused.text).toContain('value="31"');
    refused = await answer(volunteer, id, 'dates', { ...GOOD.dates, 'projectEnd-year': '2026', 'projectEnd-month': '1', 'projectEnd-day': '2' });
    expect(errorSummaryOf(refused.text)).toEqual(['The end date must be after the start date', 'The project must still be running when the round closes']);
    refused = await answer(volunteer, id, 'money', { requestedPounds: 'lots' });
    expect(errorSummaryOf(refused.text)).toEqual(['Enter an amount in pounds, like 3000 or 2500.50']);
    expect(refused.text).toContain('value="lots"');
    refused = await answer(volunteer, id, 'contact', { contactEmail: 'not-an-address' });
    expect(errorSummaryOf(refused.text)).toEqual(['Enter an email address in the correct format, like name@example.com']);

    // Save and continue goes to the next section; save and come back later to the task list.
    const sections = Object.keys(GOOD);
    for (const [i, section] of sections.entries()) {
      const saved = await answer(volunteer, id, section, GOOD[section], i === 2 ? { action: 'later' } : { action: 'continue' });
      expect(saved.status).toBe(303);
      expect(saved.headers.location).toBe(i === 2 || i === sections.length - 1 ? `/my/applications/${id}` : `/my/applications/${id}/answers/${sections[i + 1]}`);
    }
    tasks = await volunteer.get(`/my/applications/${id}`).expect(200);
    expect(tasks.text).not.toContain('Cannot start yet');
    expect(tasks.text).not.toContain('In progress');
    expect(tasks.text).toContain(`href="/my/applications/${id}/check"`);

    let check = await volunteer.get(`/my/applications/${id}/check`).expect(200);
    expect(check.text).toContain('£3,000');
    // A colleague changes an answer after these were checked: not sent unseen.
    expect((await answer(colleague, id, 'money', { requestedPounds: '3,100' })).status).toBe(303);
    const stale = await volunteer.post(`/my/applications/${id}/send`).type('form').send({ _csrf: csrfTokenIn(check.text), revision: /name="revision" value="(\d+)"/.exec(check.text)![1] }).expect(409);
    expect(stale.text).toContain('changed it a moment ago');
    check = await volunteer.get(`/my/applications/${id}/check`).expect(200);
    expect(check.text).toContain('£3,100');
    expect(check.text).toContain(`href="/my/applications/${id}/answers/money"`);
    const revision = /name="revision" value="(\d+)"/.exec(check.text)![1];
    const sent = await volunteer.post(`/my/applications/${id}/send`).type('form').send({ _csrf: csrfTokenIn(check.text), revision }).expect(303);
    expect(sent.headers.location).toBe(`/my/applications/${id}/sent`);
    // Pressed again (a double click, Back then send): no second sending, the same confirmation.
    await volunteer.post(`/my/applications/${id}/send`).type('form').send({ _csrf: csrfTokenIn(check.text), revision }).expect(303).expect('location', `/my/applications/${id}/sent`);
    const confirmation = await volunteer.get(`/my/applications/${id}/sent`).expect(200);
    const reference = /<strong>(PZ-[0-9A-F]{8})<\/strong>/.exec(confirmation.text)![1];
    expect(confirmation.text).toContain('What happens next');

    await backgroundWorkDone(t);
    const receipt = await lastMailTo(t, 'fun.days@example.org', (m) => m.subject.includes(reference));
    expect(receipt?.text).toContain('How it will last: Parents who volunteer');
    expect(receipt?.text).toContain('Amount asked for: £3,100');

    const my = await volunteer.get('/my').expect(200);
    expect(my.text).toContain('Saffron Lane Summer Fun Days');
    expect(my.text).toContain('Sent');
    expect(my.text).toContain('Decision expected by');
  });

  it('funded: the grantee accepts the offer, sends the check-in, a return and the case study, and the grant is Closed', async () => {
    const round = await scheduleRound(t, { name: 'Quick round', closesInMs: 6000 });
    const id = await startDraft(volunteer, round.id, 'Quick bid');
    for (const section of Object.keys(GOOD)) expect((await answer(volunteer, id, section, GOOD[section])).status).toBe(303);
    const check = await volunteer.get(`/my/applications/${id}/check`).expect(200);
    await volunteer.post(`/my/applications/${id}/send`).type('form').send({ _csrf: csrfTokenIn(check.text) }).expect(303);
    await waitUntilPast(round.closesAt);
    await request(t.http).post(`/applications/${id}/award`).set(bearer(t.token({ role: 'staff', sub: 'staff-1' }))).send({ amountPence: 300_000 }).expect(200);

    let page = await volunteer.get(`/my/applications/${id}`).expect(200);
    expect(page.text).toContain('Funded');
    expect(page.text).toContain('£3,000');
    expect(page.text).toContain('Accept the offer');
    await volunteer.post(`/my/applications/${id}/accept`).type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303);
    page = await volunteer.get(`/my/applications/${id}`).expect(200);
    expect(page.text).toContain('You accepted the offer on');
    expect(page.text).toContain('First-month check-in');

    let form = await volunteer.get(`/my/applications/${id}/check-in`).expect(200);
    const bad = await volunteer.post(`/my/applications/${id}/check-in`).type('form').send({ _csrf: csrfTokenIn(form.text), summary: '', supportNeeded: 'Publicity' }).expect(400);
    expect(errorSummaryOf(bad.text)).toEqual(['Answer: how has the first month gone?']);
    expect(bad.text).toContain('Publicity');
    await volunteer.post(`/my/applications/${id}/check-in`).type('form').send({ _csrf: csrfTokenIn(form.text), summary: 'Twelve families signed up', supportNeeded: '' }).expect(303);
    // The reminder's link, once the check-in is sent: the grant's page, which shows it sent.
    await volunteer.get(`/my/applications/${id}/check-in`).expect(303).expect('location', `/my/applications/${id}`);

    form = await volunteer.get(`/my/applications/${id}/return`).expect(200);
    const badReturn = await volunteer.post(`/my/applications/${id}/return`).type('form').send({ _csrf: csrfTokenIn(form.text), period: 'Sept to Nov', spentPounds: 'ten', beneficiaries: '-1', progress: 'Two days held' }).expect(400);
    expect(errorSummaryOf(badReturn.text)).toEqual(['Enter an amount in pounds, like 750 or 120.50', 'Enter a whole number, like 25', 'Select yes or no: is the project going to plan?']);
    await volunteer.post(`/my/applications/${id}/return`).type('form').send({ _csrf: csrfTokenIn(form.text), period: 'Sept to Nov', spentPounds: '750', beneficiaries: '40', progress: 'Two days held', onTrack: 'no', issues: 'Rain' }).expect(303);
    page = await volunteer.get(`/my/applications/${id}`).expect(200);
    expect(page.text).toContain('Amber');
    // A rating staff set by hand shows; the note they wrote for themselves does not.
    await request(t.http).post(`/applications/${id}/rag`).set(bearer(t.token({ role: 'staff', sub: 'staff-1' }))).send({ rating: 'red', reason: 'Internal: chair unreachable' }).expect(200);
    page = await volunteer.get(`/my/applications/${id}`).expect(200);
    expect(page.text).toContain('Red');
    expect(page.text).not.toContain('chair unreachable');

    form = await volunteer.get(`/my/applications/${id}/case-study`).expect(200);
    await volunteer
      .post(`/my/applications/${id}/case-study`)
      .type('form')
      .send({ _csrf: csrfTokenIn(form.text), title: 'Fun days', summary: 'Six days', outcomes: 'Neighbours met', beneficiaries: '120', quote: '', lessons: 'Book the hall early', sustainability: 'Parents run it', consentToPublish: 'yes' })
      .expect(303);
    page = await volunteer.get(`/my/applications/${id}`).expect(200);
    expect(page.text).toContain('Closed');
    expect(page.text).toContain('Case study sent: grant closed');
  });

  it('not funded: the page shows the panel’s feedback and points to the next round', async () => {
    const round = await scheduleRound(t, { name: 'Declining round', closesInMs: 6000 });
    const id = await startDraft(volunteer, round.id, 'Declined bid');
    for (const section of Object.keys(GOOD)) expect((await answer(volunteer, id, section, GOOD[section])).status).toBe(303);
    const check = await volunteer.get(`/my/applications/${id}/check`).expect(200);
    await volunteer.post(`/my/applications/${id}/send`).type('form').send({ _csrf: csrfTokenIn(check.text) }).expect(303);
    await waitUntilPast(round.closesAt);
    await request(t.http).post(`/applications/${id}/decline`).set(bearer(t.token({ role: 'staff', sub: 'staff-1' }))).send({ feedback: 'Strong idea; the budget needed more detail.' }).expect(200);
    const page = await volunteer.get(`/my/applications/${id}`).expect(200);
    expect(page.text).toContain('Not funded');
    expect(page.text).toContain('Strong idea; the budget needed more detail.');
    expect(page.text).toContain('href="/funding"');
  });

  it('a session that runs out mid-section: what was typed comes back after signing in; a send lands on the page it was pressed on', async () => {
    const { Sessions } = await import('@pz/identity');
    const round = await scheduleRound(t, { name: 'Expiry round' });
    const id = await startDraft(volunteer, round.id, 'Long answer');
    const page = await volunteer.get(`/my/applications/${id}/answers/sustainability`).expect(200);
    const volunteerId = await t.app.get(PersonalDataVault).personIdFor('volunteer@example.org');
    await t.app.get(Sessions).endAll(volunteerId);
    const revision = /name="revision" value="(\d+)"/.exec(page.text)![1];
    const posted = await volunteer
      .post(`/my/applications/${id}/answers/sustainability`)
      .set('Referer', `http://127.0.0.1/my/applications/${id}/answers/sustainability`)
      .set('Host', '127.0.0.1')
      .type('form')
      .send({ _csrf: csrfTokenIn(page.text), revision, sustainability: 'Three paragraphs typed over half an hour' })
      .expect(303);
    const next = decodeURIComponent(/next=(.+)$/.exec(posted.headers.location)![1]);
    await signIn(t, 'volunteer@example.org', volunteer, next);
    expect((await volunteer.get(next).expect(200)).text).toContain('Three paragraphs typed over half an hour');

    // "Accept and send" pressed after the session ran out: back to the page it was pressed on, not a 404.
    for (const section of Object.keys(GOOD)) expect((await answer(volunteer, id, section, GOOD[section])).status).toBe(303);
    const check = await volunteer.get(`/my/applications/${id}/check`).expect(200);
    await t.app.get(Sessions).endAll(volunteerId);
    const send = await volunteer.post(`/my/applications/${id}/send`).set('Referer', `http://127.0.0.1/my/applications/${id}/check`).set('Host', '127.0.0.1').type('form').send({ _csrf: csrfTokenIn(check.text) }).expect(303);
    const back = decodeURIComponent(/next=(.+)$/.exec(send.headers.location)![1]);
    expect(back).toMatch(new RegExp(`^/my/applications/${id}/check`));
    await signIn(t, 'volunteer@example.org', volunteer, back);
    await volunteer.get(back).expect(200);
  });

  it('another organisation’s member gets a 404 page for every page of it', async () => {
    const round = await scheduleRound(t, { name: 'Private round' });
    const id = await startDraft(volunteer, round.id, 'Ours');
    const stranger = await signIn(t, 'stranger@example.org');
    await registerOrganisation(t, await t.app.get(PersonalDataVault).personIdFor('stranger@example.org'), 'Another group');
    for (const path of [`/my/applications/${id}`, `/my/applications/${id}/answers/about`, `/my/applications/${id}/check`, `/my/applications/${id}/withdraw`, `/my/applications/${id}/check-in`]) {
      const res = await stranger.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(res.text).not.toContain('Ours');
    }
  });

  it('a round that closes mid-draft: the task list says so and sending is refused with a clear page', async () => {
    const round = await scheduleRound(t, { name: 'Closing round', closesInMs: 6000 });
    const id = await startDraft(volunteer, round.id, 'Late bid');
    for (const section of Object.keys(GOOD)) expect((await answer(volunteer, id, section, GOOD[section])).status).toBe(303);
    const check = await volunteer.get(`/my/applications/${id}/check`).expect(200);
    await waitUntilPast(round.closesAt);
    const tasks = await volunteer.get(`/my/applications/${id}`).expect(200);
    expect(tasks.text).toContain('This round closed at');
    const refused = await volunteer.post(`/my/applications/${id}/send`).type('form').send({ _csrf: csrfTokenIn(check.text) }).expect(409);
    expect(refused.text).toContain('Your application has not been sent');
    expect(refused.text).toContain('/funding');
  });

  it('two colleagues edit the same section: the later save shows what changed and lets them choose; different sections never clash', async () => {
    const round = await scheduleRound(t, { name: 'Team round' });
    const id = await startDraft(volunteer, round.id, 'Team bid');
    const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1];
    const mine = await volunteer.get(`/my/applications/${id}/answers/about`).expect(200);
    const theirs = await colleague.get(`/my/applications/${id}/answers/about`).expect(200);
    const mySustainability = await volunteer.get(`/my/applications/${id}/answers/sustainability`).expect(200);
    const form = (html: string, fields: Record<string, string>) => ({ _csrf: csrfTokenIn(html), revision: hidden(html, 'revision'), was: hidden(html, 'was'), ...fields });
    await colleague.post(`/my/applications/${id}/answers/about`).type('form').send(form(theirs.text, { title: 'Team bid', summary: 'Their summary' })).expect(303);
    // Another section, opened before the colleague's save: saved, no clash.
    await volunteer.post(`/my/applications/${id}/answers/sustainability`).type('form').send(form(mySustainability.text, { sustainability: 'Ours to keep' })).expect(303);
    const clash = await volunteer.post(`/my/applications/${id}/answers/about`).type('form').send(form(mine.text, { title: 'Team bid', summary: 'My summary' })).expect(409);
    expect(clash.text).toContain('Someone else changed this section');
    expect(clash.text).toContain('Their summary');
    expect(clash.text).toContain('My summary');
    // Only this section's answers are compared.
    expect(clash.text).not.toContain('Ours to keep');
    // Nothing was overwritten; choosing "Keep my answers" saves over theirs knowingly.
    expect((await volunteer.get(`/my/applications/${id}/answers/about`).expect(200)).text).toContain('Their summary');
    await volunteer.post(`/my/applications/${id}/answers/about`).type('form').send(form(clash.text, { title: 'Team bid', summary: 'My summary', action: 'later' })).expect(303);
    expect((await colleague.get(`/my/applications/${id}/answers/about`).expect(200)).text).toContain('My summary');
    expect((await colleague.get(`/my/applications/${id}/answers/sustainability`).expect(200)).text).toContain('Ours to keep');
  });
});
