import request from 'supertest';
import { csrfTokenIn, errorSummaryOf } from '../support/pages';
import { lastMailTo, signIn } from '../support/sign-in';
import { backgroundWorkDone } from '../support/subscriptions';
import { openAndSubmit, scheduleRound, waitUntilPast } from '../support/journey';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const personIdIn = (location: string) => /\/staff\/people\/([^/?#]+)/.exec(location)![1];

/**
 * Issue 15's "done when": with only an email address a person signs in, registers their
 * organisation and invites a colleague; a staff member invites a panel member; each can make a
 * token at /account and use it on the API, until it is revoked.
 */
describe('people, organisations and personal access tokens', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAILS: 'officer@example.org' });
  });
  afterAll(async () => t?.close());

  it('a volunteer registers their group and invites a colleague, who is told by email and acts for it', async () => {
    const volunteer = await signIn(t, 'volunteer@example.org');
    let page = await volunteer.get('/my').expect(200);
    expect(page.text).toContain('Register your organisation');

    page = await volunteer.get('/my/organisation').expect(200);
    const refused = await volunteer.post('/my/organisation').type('form').send({ _csrf: csrfTokenIn(page.text), name: '', legalForm: '', charityNumber: '12', companyNumber: 'nonsense' }).expect(400);
    expect(errorSummaryOf(refused.text)).toEqual([
      'Enter the name of your organisation',
      'Select what kind of organisation it is',
      'Enter a charity number like 1234567, or leave it blank',
      'Enter a company number like 01234567 or SC123456, or leave it blank',
    ]);
    expect(refused.text).toContain('value="nonsense"');
    await volunteer.post('/my/organisation').type('form').send({ _csrf: csrfTokenIn(page.text), name: 'Bell Foundry Gardeners', legalForm: 'charitable-incorporated-organisation', charityNumber: '1 234 567', companyNumber: '' }).expect(303).expect('location', '/my/organisation');
    page = await volunteer.get('/my/organisation').expect(200);
    expect(page.text).toContain('Bell Foundry Gardeners');
    expect(page.text).toContain('1234567');

    const invite = await volunteer.get('/my/organisation/invite').expect(200);
    await volunteer.post('/my/organisation/invite').type('form').send({ _csrf: csrfTokenIn(invite.text), email: 'colleague@example.org' }).expect(303);
    await backgroundWorkDone(t);
    const mail = await lastMailTo(t, 'colleague@example.org');
    expect(mail?.subject).toMatch(/invited/i);
    expect(mail?.text).toContain('volunteer@example.org has added you to Bell Foundry Gardeners');
    // The person who registered the group is not told they were added to it.
    expect(await lastMailTo(t, 'volunteer@example.org', (m) => /invited/i.test(m.subject))).toBeNull();

    const colleague = await signIn(t, 'colleague@example.org');
    const their = await colleague.get('/my/organisation').expect(200);
    expect(their.text).toContain('Bell Foundry Gardeners');
    expect(their.text).toContain('volunteer@example.org');
  });

  it('staff invite a panel member to a round with a reason; the member is emailed and holds the role', async () => {
    const round = await scheduleRound(t, { name: 'Autumn round 2026' });
    const officer = await signIn(t, 'officer@example.org');
    const form = await officer.get('/staff/people/invite').expect(200);
    const csrf = csrfTokenIn(form.text);
    const refused = await officer.post('/staff/people/invite').type('form').send({ _csrf: csrf, email: 'resident@example.org', role: 'panel', panelOf: '', reason: '' }).expect(400);
    expect(errorSummaryOf(refused.text)).toEqual(['Select the steering group or round panel they join', 'Enter why they are getting this role: the history keeps it']);
    const invited = await officer.post('/staff/people/invite').type('form').send({ _csrf: csrf, email: 'resident@example.org', role: 'panel', panelOf: `round:${round.id}`, reason: 'Chosen by the Braunstone steering group' }).expect(303);
    const person = await officer.get(invited.headers.location).expect(200);
    expect(person.text).toContain('Panel member: Autumn round 2026 panel');

    await backgroundWorkDone(t);
    expect((await lastMailTo(t, 'resident@example.org'))?.text).toContain('the panel for Autumn round 2026');
    const resident = await signIn(t, 'resident@example.org');
    expect((await resident.get('/account').expect(200)).text).toContain('Panel member: Autumn round 2026 panel');

    // Removing the role needs a reason, and takes effect on the member's next request.
    const revokeForm = await officer.get(`/staff/people/${personIdIn(invited.headers.location)}`).expect(200);
    await officer.post(`/staff/people/${personIdIn(invited.headers.location)}/revoke`).type('form').send({ _csrf: csrfTokenIn(revokeForm.text), grant: '0', reason: '' }).expect(400);
    await officer.post(`/staff/people/${personIdIn(invited.headers.location)}/revoke`).type('form').send({ _csrf: csrfTokenIn(revokeForm.text), grant: '0', reason: 'Moved away' }).expect(303);
    expect((await resident.get('/account').expect(200)).text).not.toContain('Panel member');
  });

  it('a token made at /account is shown once, works on the API with the person’s roles, and stops when revoked', async () => {
    const officer = await signIn(t, 'officer@example.org');
    const form = await officer.get('/account/tokens/new').expect(200);
    const bad = await officer.post('/account/tokens/new').type('form').send({ _csrf: csrfTokenIn(form.text), name: '', days: '400' }).expect(400);
    expect(errorSummaryOf(bad.text)).toEqual(['Enter a name for the token, so you can recognise it later', 'Enter a number of days from 1 to 366']);
    const made = await officer.post('/account/tokens/new').type('form').send({ _csrf: csrfTokenIn(form.text), name: 'Reporting script', days: '30' }).expect(200);
    const token = /<code class="app-token" id="token">(pzat_[^<]+)<\/code>/.exec(made.text)![1];

    const account = await officer.get('/account').expect(200);
    expect(account.text).toContain('Reporting script');
    expect(account.text).not.toContain(token);

    // Staff-only on the API: the token carries the officer's staff role.
    await request(t.http).get('/operations/jobs').set('Authorization', `Bearer ${token}`).expect(200);
    await request(t.http).get('/operations/jobs').set('Authorization', `Bearer ${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`).expect(401);

    const id = /pzat_([0-9a-f]{16})_/.exec(token)![1];
    await officer.post(`/account/tokens/${id}/revoke`).type('form').send({ _csrf: csrfTokenIn(account.text) }).expect(303);
    await request(t.http).get('/operations/jobs').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('an applicant’s token acts for the organisation chosen when it was made', async () => {
    const volunteer = await signIn(t, 'volunteer@example.org');
    const form = await volunteer.get('/account/tokens/new').expect(200);
    const missing = await volunteer.post('/account/tokens/new').type('form').send({ _csrf: csrfTokenIn(form.text), name: 'Phone', days: '7' }).expect(400);
    expect(errorSummaryOf(missing.text)).toEqual(['Select the organisation the token acts for']);
    const org = /name="org" type="radio" value="([^"]+)"/.exec(form.text)![1];
    const made = await volunteer.post('/account/tokens/new').type('form').send({ _csrf: csrfTokenIn(form.text), name: 'Phone', days: '7', org }).expect(200);
    const token = /(pzat_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(made.text)![1];
    const listed = await request(t.http).get('/applications').set('Authorization', `Bearer ${token}`).expect(200);
    expect(Array.isArray(listed.body)).toBe(true);
    // It opens bids for the organisation it was made for.
    const round = await scheduleRound(t, { name: 'Token round' });
    const opened = await request(t.http).post(`/rounds/${round.id}/applications`).set('Authorization', `Bearer ${token}`).send({ title: 'By token' }).expect(201);
    expect(opened.body.org).toBe(org);
    // An applicant's token has no staff role.
    await request(t.http).get('/operations/jobs').set('Authorization', `Bearer ${token}`).expect(403);
    // Another person's token id is, to this person, no token at all.
    const account = await volunteer.get('/account').expect(200);
    await volunteer.post('/account/tokens/ffffffffffffffff/revoke').type('form').send({ _csrf: csrfTokenIn(account.text) }).expect(404);
  });

  it('a token made for no organisation acts with the person’s other roles only, never as an applicant', async () => {
    const officer = await signIn(t, 'officer@example.org');
    const orgId = /name="org" type="radio" value="([^"]+)"/.exec((await (await signIn(t, 'volunteer@example.org')).get('/account/tokens/new').expect(200)).text)![1];
    // The officer joins the volunteer's group too, so the choice is offered.
    const { InviteMemberCommand } = await import('@pz/identity');
    const { CommandBus } = await import('@nestjs/cqrs');
    const { ReadModels } = await import('@pz/platform');
    const { PersonalDataVault } = await import('@pz/people');
    const volunteerId = await t.app.get(PersonalDataVault).personIdFor('volunteer@example.org');
    const { position } = await t.app.get(CommandBus).execute(new InviteMemberCommand({ orgId, email: 'officer@example.org' }, { actor: { sub: volunteerId, role: 'applicant' }, now: new Date().toISOString(), correlationId: 'join' }));
    await t.app.get(ReadModels).waitFor(position);
    const form = await officer.get('/account/tokens/new').expect(200);
    expect(form.text).toContain('No organisation: my other roles only');
    const made = await officer.post('/account/tokens/new').type('form').send({ _csrf: csrfTokenIn(form.text), name: 'Staff script', days: '7', org: '' }).expect(200);
    const token = /(pzat_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(made.text)![1];
    await request(t.http).get('/operations/jobs').set('Authorization', `Bearer ${token}`).expect(200);
    const round = await scheduleRound(t, { name: 'No-org token round' });
    await request(t.http).post(`/rounds/${round.id}/applications`).set('Authorization', `Bearer ${token}`).send({ title: 'Should not open' }).expect(403);
  });

  it('the open data names a grantee by the charity number it registered with', async () => {
    const volunteer = await signIn(t, 'volunteer@example.org');
    // The volunteer belongs to one organisation: the token form offers it as the only choice.
    const orgId = /name="org" type="radio" value="([^"]+)"/.exec((await volunteer.get('/account/tokens/new').expect(200)).text)![1];
    const round = await scheduleRound(t, { name: 'Open data round', closesInMs: 1500 });
    const id = await openAndSubmit(t, round.id, orgId);
    await waitUntilPast(round.closesAt);
    await request(t.http).post(`/applications/${id}/award`).set(bearer(t.token({ role: 'staff', sub: 'staff-1' }))).send({ amountPence: 100_000 }).expect(200);
    const feed = await request(t.http).get('/open-data/360giving.json').expect(200);
    const grant = (feed.body.grants as { id: string; recipientOrganization: unknown[] }[]).find((g) => g.id.endsWith(id));
    expect(grant?.recipientOrganization).toEqual([{ id: 'GB-CHC-1234567', name: 'Bell Foundry Gardeners', charityNumber: '1234567' }]);
  });
});
