import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Browser } from 'playwright-core';
import { launchBrowser, problemsOf, visitor, watchForErrors } from '../support/browser';
import { scheduleRound } from '../support/journey';
import { grantRole } from '../support/sign-in';
import { startSmtpServer, TestSmtpServer } from '../support/smtp';
import { freePort, startTestApp, TestApp } from '../support/test-app';

const CLIENT_SECRET = 'a-client-secret-for-tests-only';

/**
 * Signing in, in a real browser (Debian's chromium): by email link with JavaScript off and on (the
 * mail read from an in-process SMTP server), and by OpenID Connect against a real provider
 * (oidc-provider, started here on loopback, with its development login pages). Every page of
 * sign-in, account, organisation and people under axe, html-validate and a 320 px reflow check.
 */
describe('sign-in in a browser', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let base: string;
  let idp: Server;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    idp = createServer();
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'pz-grants', client_secret: CLIENT_SECRET, redirect_uris: [`${base}/sign-in/oidc/callback`], token_endpoint_auth_method: 'client_secret_post' }],
      // The development login page takes any login; the login is the person's email address.
      // An address starting "unverified." comes without the provider vouching for it.
      findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, email: id, email_verified: !id.startsWith('unverified.') }) }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      pkce: { required: () => true },
    });
    idp.on('request', provider.callback());
    t = await startTestApp({
      SMTP_URL: smtp.url,
      PUBLIC_URL: base,
      ADMIN_EMAILS: 'grants.officer@example.org',
      OIDC_ISSUER_URL: issuer,
      OIDC_CLIENT_ID: 'pz-grants',
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
    });
    await t.listen(port);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.stop();
    await new Promise<void>((resolve) => idp?.close(() => resolve()));
  });

  async function linkFromMail(to: string, after: number): Promise<string> {
    const mail = await smtp.waitFor((m) => m.to === to && smtp.messages.indexOf(m) >= after && /\/sign-in\/link\?token=/.test(m.text), 10_000);
    const { pathname, search } = new URL(/https?:\/\/\S+\/sign-in\/link\?token=[A-Za-z0-9_-]+/.exec(mail.text)![0]);
    return base + pathname + search;
  }

  // axe runs in the page, so the pages are checked on the run with JavaScript; the run without shows they all work without it.
  it.each([
    { javaScript: false, width: 320, email: 'no.script@example.org', colleague: 'co.leader@example.org', group: 'Saffron Lane Youth Club' },
    { javaScript: true, width: 1024, email: 'with.script@example.org', colleague: 'treasurer@example.org', group: 'Eyres Monsell Walkers' },
  ])('a volunteer signs in, registers their group and invites a colleague (JavaScript $javaScript, $width px)', async ({ javaScript, width, email, colleague, group }) => {
    const context = await visitor(browser, { javaScript, width });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const errors = watchForErrors(page);
    const check = async (name: string) => {
      if (javaScript) expect({ name, ...(await problemsOf(page, await page.content(), errors)) }).toEqual({ name, url: page.url(), axe: [], html: [], reflow: null, errors: [] });
    };

    await page.goto(`${base}/sign-in`);
    await check('sign-in');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await expect(page.title()).resolves.toMatch(/^Error: Sign in/);
    await check('sign-in with an error');
    const before = smtp.messages.length;
    await page.getByLabel('Email address').fill(email);
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await check('check your email');
    await page.getByRole('button', { name: 'Send the link again' }).click();
    await page.getByText('We have sent you another link.').waitFor();
    const link = await linkFromMail(email, before);
    await page.goto(link);
    await check('the link’s page');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${base}/my`);
    await check('your applications, before an organisation');

    await page.getByRole('button', { name: 'Register your organisation' }).click();
    await check('register your organisation');
    await page.getByLabel('Name of your organisation').fill(group);
    await page.getByLabel('Community or voluntary group (not incorporated)').check();
    await page.getByRole('button', { name: 'Register organisation' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(group);
    await check('your organisation');
    await page.getByRole('button', { name: 'Invite a colleague' }).click();
    await check('invite a colleague');
    await page.getByLabel('Their email address').fill(colleague);
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.getByText(colleague).count()).resolves.toBeGreaterThan(0);
    const invitation = await smtp.waitFor((m) => m.to === colleague, 10_000);
    expect(invitation.text).toContain(group);

    await page.goto(`${base}/account`);
    await check('your account');
    await page.getByRole('button', { name: 'Create an access token' }).click();
    await check('create an access token');
    await page.getByLabel('Name').fill('Spreadsheet');
    await page.getByRole('button', { name: 'Create token' }).click();
    await check('your new access token');

    // The link was used: opening it again says so and what to do.
    await page.goto(link);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('This sign-in link has already been used');
    await check('a used link');
    // Without a mail server this would be the development mail viewer; with SMTP_URL set it is not there.
    expect((await page.goto(`${base}/dev/mail`))!.status()).toBe(404);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('You have signed out');
    await check('signed out');
    expect((await page.goto(`${base}/account`))!.url()).toBe(`${base}/sign-in?next=%2Faccount`);
    await context.close();
  }, 90_000);

  it('with JavaScript on, staff sign in with the funder’s OpenID provider and invite a panel member', async () => {
    await scheduleRound(t, { name: 'Spring round 2027' });
    const context = await visitor(browser);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.setDefaultTimeout(10_000);
    const errors = watchForErrors(page);
    const check = async (name: string) => expect({ name, ...(await problemsOf(page, await page.content(), errors)) }).toEqual({ name, url: page.url(), axe: [], html: [], reflow: null, errors: [] });

    await page.goto(`${base}/sign-in`);
    await page.getByRole('button', { name: 'Sign in with your work account' }).click();
    // The provider's own (development) login and consent pages.
    await page.locator('input[name="login"]').fill('grants.officer@example.org');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${base}/my`);
    // The provider's development pages ask for web fonts, which this browser may not fetch: not ours to judge.
    errors.splice(0);

    await page.goto(`${base}/staff/people`);
    await check('people and roles');
    await page.getByRole('button', { name: 'Invite someone' }).click();
    await check('invite someone');
    await page.getByLabel('Their email address').fill('panel.resident@example.org');
    await page.getByLabel('Panel member').check();
    await page.getByLabel('Which steering group or round panel?').selectOption({ label: 'Spring round 2027 panel' });
    await page.getByLabel('Why are they getting this role?').fill('Nominated by the steering group');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('panel.resident@example.org');
    await check('a person');
    const mail = await smtp.waitFor((m) => m.to === 'panel.resident@example.org', 10_000);
    expect(mail.text).toContain('the panel for Spring round 2027');

    // The panel member has no staff or auditor role: the work-account way in refuses them.
    const other = await visitor(browser);
    const theirs = await other.newPage();
    await theirs.goto(`${base}/sign-in/oidc`);
    await theirs.locator('input[name="login"]').fill('panel.resident@example.org');
    await theirs.locator('input[name="password"]').fill('anything');
    await theirs.locator('button[type="submit"]').click();
    await theirs.locator('button[type="submit"]').click();
    await theirs.waitForURL(/\/sign-in\/oidc\/callback/);
    await expect(theirs.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('You could not be signed in');
    expect((await theirs.goto(`${base}/account`))!.url()).toMatch(/\/sign-in\?next=/);
    await other.close();

    // An auditor granted by staff may use the work account too.
    await grantRole(t, 'auditor@example.org', 'auditor');
    const auditor = await visitor(browser);
    const auditorPage = await auditor.newPage();
    await auditorPage.goto(`${base}/sign-in/oidc`);
    await auditorPage.locator('input[name="login"]').fill('auditor@example.org');
    await auditorPage.locator('input[name="password"]').fill('anything');
    await auditorPage.locator('button[type="submit"]').click();
    await auditorPage.locator('button[type="submit"]').click();
    await auditorPage.waitForURL(`${base}/my`);
    await auditorPage.goto(`${base}/account`);
    await expect(auditorPage.getByText('Auditor').count()).resolves.toBeGreaterThan(0);
    await auditor.close();
    await context.close();
  }, 90_000);

  it('a link opened in the browser after 15 minutes says it has expired', async () => {
    const context = await visitor(browser);
    const page = await context.newPage();
    const errors = watchForErrors(page);
    const { SignInLinks } = await import('@pz/identity');
    const before = smtp.messages.length;
    await t.app.get(SignInLinks).send('late.opener@example.org', null, new Date(Date.now() - 20 * 60_000));
    const response = await page.goto(await linkFromMail('late.opener@example.org', before));
    expect(response!.status()).toBe(410);
    expect(await problemsOf(page, await page.content(), errors)).toEqual({ url: page.url(), axe: [], html: [], reflow: null, errors: [] });
    await context.close();
  });

  it('the work-account way in refuses an address the provider does not vouch for, and a return with no sign-in started', async () => {
    await grantRole(t, 'unverified.staff@example.org', 'staff');
    const context = await visitor(browser);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${base}/sign-in/oidc`);
    await page.locator('input[name="login"]').fill('unverified.staff@example.org');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(/\/sign-in\/oidc\/callback/);
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('You could not be signed in');
    expect((await page.goto(`${base}/account`))!.url()).toMatch(/\/sign-in\?next=/);
    // A return from the provider this browser never left for (no state, no verifier): refused, nobody signed in.
    const forged = await page.goto(`${base}/sign-in/oidc/callback?code=anything&state=anything`);
    expect(forged!.status()).toBe(403);
    expect((await page.goto(`${base}/account`))!.url()).toMatch(/\/sign-in\?next=/);
    await context.close();
  }, 60_000);
});
