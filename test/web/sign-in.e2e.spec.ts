import request from 'supertest';
import { CommandBus } from '@nestjs/cqrs';
import { RevokeRoleCommand, Sessions, SignInLinks } from '@pz/identity';
import { PersonalDataVault } from '@pz/people';
import { ReadModels } from '@pz/platform';
import { browserAgent, csrfTokenIn, openForm } from '../support/pages';
import { askForLink, grantRole, lastMailTo, outboxCount, signIn, signInLinkFor } from '../support/sign-in';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const sessionCookieOf = (res: request.Response) => [res.headers['set-cookie'] ?? []].flat().find((c: string) => c.startsWith('pz_session='));

/** Sign-in by email link (web.md, issue 15), through the pages as a browser sends them. */
describe('sign-in by email link', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAILS: 'first.staff@example.org' });
  });
  afterAll(async () => t?.close());

  it('answers the same whether or not the address is known, and mails a link either way', async () => {
    await signIn(t, 'known.person@example.org');
    const answers = [];
    for (const email of ['known.person@example.org', 'stranger@example.org']) {
      const agent = browserAgent(t);
      const csrf = await openForm(agent, '/sign-in');
      const sent = await agent.post('/sign-in').type('form').send({ email, _csrf: csrf });
      const page = await agent.get(sent.headers.location);
      answers.push({ status: sent.status, location: sent.headers.location, page: page.text.replace(/(value|nonce)="[^"]+"/g, '').replace(email, 'ADDRESS') });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(await lastMailTo(t, 'stranger@example.org')).toMatchObject({ subject: expect.stringMatching(/sign in/i) });
  });

  it('opening the link signs nobody in: its page names the address, and only Continue (a POST) does', async () => {
    const agent = browserAgent(t);
    await askForLink(agent, 'scanner.test@example.org');
    const link = await signInLinkFor(t, 'scanner.test@example.org');
    // A mail scanner's GET, twice: no session, and the link still works afterwards.
    const scanned = await request(t.http).get(link).set('Accept', 'text/html').expect(200);
    await request(t.http).get(link).set('Accept', 'text/html').expect(200);
    expect(sessionCookieOf(scanned)).toBeUndefined();
    expect(scanned.text).toContain('scanner.test@example.org');
    await agent.get('/account').expect(303).expect('location', '/sign-in?next=%2Faccount');

    const page = await agent.get(link).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1];
    const signedIn = await agent.post('/sign-in/link').type('form').send({ token, _csrf: csrfTokenIn(page.text) }).expect(303);
    const cookie = sessionCookieOf(signedIn)!;
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    // Plain http on loopback in tests: Secure is set outside development and tests (see Visitors).
    expect(cookie).not.toMatch(/; Secure/);
    expect((await agent.get('/account').expect(200)).text).toContain('scanner.test@example.org');
  });

  it('refuses a reused, an altered and an expired link with a page that says what to do', async () => {
    const agent = browserAgent(t);
    await askForLink(agent, 'twice@example.org');
    const link = await signInLinkFor(t, 'twice@example.org');
    const page = await agent.get(link).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1];
    await agent.post('/sign-in/link').type('form').send({ token, _csrf: csrfTokenIn(page.text) }).expect(303);

    const again = await browserAgent(t).get(link).expect(410);
    expect(again.text).toContain('already been used');
    const other = browserAgent(t);
    const csrf = await openForm(other, '/sign-in');
    const reused = await other.post('/sign-in/link').type('form').send({ token, _csrf: csrf }).expect(410);
    expect(sessionCookieOf(reused)).toBeUndefined();

    const altered = link.replace(/token=(.)/, (_m, c: string) => `token=${c === 'A' ? 'B' : 'A'}`);
    expect((await browserAgent(t).get(altered).expect(404)).text).toContain('not valid');

    await t.app.get(SignInLinks).send('late@example.org', null, new Date(Date.now() - 16 * 60_000));
    const expired = await browserAgent(t).get(await signInLinkFor(t, 'late@example.org')).expect(410);
    expect(expired.text).toContain('has expired');
    expect(expired.text).toContain('href="/sign-in"');
  });

  it('every form needs its CSRF token: without it, 403 and no mail', async () => {
    const before = outboxCount(t);
    await browserAgent(t).post('/sign-in').type('form').send({ email: 'no.csrf@example.org' }).expect(403);
    expect(outboxCount(t)).toBe(before);
  });

  it('names every bad field and keeps what was typed', async () => {
    const agent = browserAgent(t);
    const csrf = await openForm(agent, '/sign-in');
    const res = await agent.post('/sign-in').type('form').send({ email: 'not an address', _csrf: csrf }).expect(400);
    expect(res.text).toContain('Enter an email address in the correct format');
    expect(res.text).toContain('value="not an address"');
    expect(res.text).toMatch(/<title>Error: /);
  });

  it('gives a new session id at every sign-in, and ends the one the browser had', async () => {
    const agent = await signIn(t, 'fixation@example.org');
    const first = (agent as unknown as { jar: { getCookie(name: string, access: unknown): { value: string } | undefined } }).jar;
    const access = { domain: '127.0.0.1', path: '/', secure: false, script: false };
    const before = first.getCookie('pz_session', access)?.value;
    await signIn(t, 'fixation@example.org', agent);
    const after = first.getCookie('pz_session', access)?.value;
    expect(before).toBeDefined();
    expect(after).not.toBe(before);
    await request(t.http).get('/account').set('Accept', 'text/html').set('Cookie', `pz_session=${before}`).expect(303);
  });

  it('signs out, and out everywhere', async () => {
    const phone = await signIn(t, 'two.devices@example.org');
    const laptop = await signIn(t, 'two.devices@example.org');
    await phone.get('/account').expect(200);
    const account = await laptop.get('/account').expect(200);
    expect(account.text.match(/<tr class="govuk-table__row">/g)!.length).toBeGreaterThanOrEqual(3);
    await laptop.post('/account/sign-out-everywhere').type('form').send({ _csrf: csrfTokenIn(account.text) }).expect(303).expect('location', '/signed-out');
    await phone.get('/account').expect(303);
    await laptop.get('/account').expect(303);

    const single = await signIn(t, 'two.devices@example.org');
    const page = await single.get('/my').expect(200);
    await single.post('/sign-out').type('form').send({ _csrf: csrfTokenIn(page.text) }).expect(303).expect('location', '/signed-out');
    await single.get('/my').expect(303);
  });

  it('a session survives a restart of the service', async () => {
    const agent = await signIn(t, 'restart@example.org');
    t = await t.restart();
    const res = await request(t.http).get('/account').set('Accept', 'text/html').set('Cookie', (agent as unknown as { jar: { getCookies(a: unknown): { toValueString(): string }[] } }).jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).map((c) => c.toValueString()).join('; '));
    expect(res.status).toBe(200);
    expect(res.text).toContain('restart@example.org');
  });

  it('makes ADMIN_EMAILS staff at their first sign-in; a role removed stops at the next request', async () => {
    const staff = await signIn(t, 'first.staff@example.org');
    await staff.get('/staff/people').expect(200);
    const panel = await signIn(t, 'resident@example.org');
    await panel.get('/staff/people').expect(403);
    await grantRole(t, 'resident@example.org', 'staff');
    await panel.get('/staff/people').expect(200);
    const { personId } = (await staff.get('/staff/people').expect(200)).text.match(/href="\/staff\/people\/(?<personId>[^"]+)">resident@example.org/)!.groups!;
    const { position } = await t.app.get(CommandBus).execute(
      new RevokeRoleCommand({ personId, role: 'staff', zone: null, roundId: null, reason: 'Left the team' }, { actor: { sub: 'test', role: 'staff' }, now: new Date().toISOString(), correlationId: 'revoke' }),
    );
    await t.app.get(ReadModels).waitFor(position);
    await panel.get('/staff/people').expect(403);
  });

  it('keeps a form typed when the session ran out, and gives it back after signing in', async () => {
    const agent = await signIn(t, 'slow.typist@example.org');
    const csrf = await openForm(agent, '/my/organisation/new');
    // Two hours pass: every session of the person ends.
    expect(await t.app.get(Sessions).endAll(await t.app.get(PersonalDataVault).personIdFor('slow.typist@example.org'))).toBe(1);
    const posted = await agent.post('/my/organisation/new').type('form').send({ _csrf: csrf, name: 'Braunstone Bakers', legalForm: 'charitable-trust', charityNumber: '', companyNumber: '' }).expect(303);
    const next = decodeURIComponent(/next=([^&]+)/.exec(posted.headers.location)![1]);
    expect(next).toMatch(/^\/my\/organisation\/new\?restore=/);
    await askForLink(agent, 'slow.typist@example.org', next);
    const link = await signInLinkFor(t, 'slow.typist@example.org');
    const page = await agent.get(link).expect(200);
    const back = await agent.post('/sign-in/link').type('form').send({ token: /name="token" value="([^"]+)"/.exec(page.text)![1], _csrf: csrfTokenIn(page.text) }).expect(303);
    expect(back.headers.location).toBe(next);
    const restored = await agent.get(next).expect(200);
    expect(restored.text).toContain('value="Braunstone Bakers"');
    expect(restored.text).toMatch(/value="charitable-trust" checked/);
    // Given back once.
    expect((await agent.get(next).expect(200)).text).not.toContain('Braunstone Bakers');
  });

  it('gives a kept form back only in the browser that typed it; a stranger’s post keeps nothing', async () => {
    // Someone never signed in posts a filled-in staff form: nothing is kept, the sign-in link carries no restore.
    const stranger = browserAgent(t);
    const strangerCsrf = await openForm(stranger, '/alerts');
    const posted = await stranger.post('/staff/people/invite').type('form').send({ _csrf: strangerCsrf, email: 'attacker@example.org', role: 'staff', reason: 'x' }).expect(303);
    expect(posted.headers.location).toBe('/sign-in?next=%2Fstaff%2Fpeople%2Finvite');

    // A person whose session ran out: their form is kept for their own browser only.
    const officer = await signIn(t, 'first.staff@example.org');
    const csrf = await openForm(officer, '/staff/people/invite');
    await t.app.get(Sessions).endAll(await t.app.get(PersonalDataVault).personIdFor('first.staff@example.org'));
    const kept = await officer.post('/staff/people/invite').type('form').send({ _csrf: csrf, email: 'typed.by.officer@example.org', role: 'auditor', reason: 'Audit' }).expect(303);
    const next = decodeURIComponent(/next=([^&]+)$/.exec(kept.headers.location)![1]);
    expect(next).toMatch(/^\/staff\/people\/invite\?restore=/);
    // Another staff member's browser opening that address gets an empty form.
    const other = await signIn(t, 'first.staff@example.org');
    const theirs = await other.get(next).expect(200);
    expect(theirs.text).not.toContain('typed.by.officer@example.org');
    // The browser that typed it gets it back, once it is signed in again.
    await signIn(t, 'first.staff@example.org', officer);
    expect((await officer.get(next).expect(200)).text).toContain('typed.by.officer@example.org');
  });

  it('sends a browser GET with a bearer token to sign in: pages take the session cookie only', async () => {
    await browserAgent(t).get('/account').set(bearer(t.token({ role: 'staff', sub: 'machine' }))).expect(303);
  });
});

/** Its own app: the per-client limit counts every request from loopback, and would hold up the tests above. */
describe('sign-in rate limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('limits links per address (quietly, the same answer) and requests per client (429)', async () => {
    const agent = browserAgent(t);
    const before = outboxCount(t);
    for (let i = 0; i < 7; i++) await askForLink(agent, 'flooded@example.org');
    expect(outboxCount(t) - before).toBe(5);
    const res = await agent.post('/sign-in').type('form').send({ email: 'flooded@example.org', _csrf: await openForm(agent, '/sign-in') });
    expect([303, 429]).toContain(res.status);
    let status = res.status;
    for (let i = 0; i < 5 && status !== 429; i++) status = (await agent.post('/sign-in').type('form').send({ email: 'x@example.org', _csrf: await openForm(agent, '/sign-in') })).status;
    expect(status).toBe(429);
  });
});

describe('session cookies in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ NODE_ENV: 'production', APP_SECRET: 'a-production-master-secret-of-32-characters-at-least' });
  });
  afterAll(async () => t?.close());

  it('are Secure (the service is behind TLS), as well as HttpOnly and SameSite=Lax', async () => {
    await t.app.get(SignInLinks).send('prod@example.org', null);
    const agent = browserAgent(t);
    const page = await agent.get(await signInLinkFor(t, 'prod@example.org')).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1];
    // The CSRF cookie is Secure too, so this plain-http agent does not send it back: its token comes with the form.
    const csrfCookie = [page.headers['set-cookie'] ?? []].flat().find((c: string) => c.startsWith('pz_csrf='))!;
    expect(csrfCookie).toMatch(/; Secure/);
    const signedIn = await agent
      .post('/sign-in/link')
      .set('Cookie', csrfCookie.split(';')[0])
      .type('form')
      .send({ token, _csrf: csrfTokenIn(page.text) })
      .expect(303);
    expect(sessionCookieOf(signedIn)).toMatch(/; HttpOnly/);
    expect(sessionCookieOf(signedIn)).toMatch(/; Secure/);
    expect(sessionCookieOf(signedIn)).toMatch(/; SameSite=Lax/);
  });
});
