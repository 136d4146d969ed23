import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, problemsOf, visitor, watchForErrors } from '../support/browser';
import { scheduleRound, waitUntilPast } from '../support/journey';
import { startSmtpServer, TestSmtpServer } from '../support/smtp';
import { bearer, startTestApp, TestApp } from '../support/test-app';
import request from 'supertest';

/**
 * The public pages in a real browser (Debian's chromium): each distinct page once under axe
 * (WCAG 2.2 AA), html-validate and a 320 px reflow check, with no script or asset errors; and a
 * visitor's whole journey with JavaScript turned off.
 */
describe('public pages in a browser', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let browser: Browser;
  let base: string;
  let rounds: { open: string; upcoming: string; past: string; cancelled: string };

  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await startTestApp({ SMTP_URL: smtp.url });
    browser = await launchBrowser();
    base = await t.listen();
    const past = await scheduleRound(t, { name: 'Spring round 2026', closesInMs: 1000 });
    const open = await scheduleRound(t, { name: 'Summer round 2026', maxAwardPence: 500_000 });
    const upcoming = await scheduleRound(t, { name: 'Collaborative round 2027', kind: 'collaborative', opensInMs: 40 * 86_400_000, closesInMs: 60 * 86_400_000 });
    const cancelled = await scheduleRound(t, { name: 'Winter round 2026', opensInMs: 10 * 86_400_000, closesInMs: 20 * 86_400_000 });
    await request(t.http).post(`/rounds/${cancelled.id}/cancel`).set(bearer(t.token({ role: 'staff', sub: 'staff-1' }))).send({ reason: 'Budget moved to the summer round' }).expect(200);
    await waitUntilPast(past.closesAt);
    rounds = { open: open.id, upcoming: upcoming.id, past: past.id, cancelled: cancelled.id };
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await smtp?.stop();
  });

  const PAGES: Array<[string, () => string, number]> = [
    ['start page', () => '/', 200],
    ['funding calendar', () => '/funding', 200],
    ['an open round', () => `/funding/${rounds.open}`, 200],
    ['a collaborative round to come', () => `/funding/${rounds.upcoming}`, 200],
    ['a cancelled round', () => `/funding/${rounds.cancelled}`, 200],
    ['guidance', () => '/guidance', 200],
    ['eligibility start', () => '/eligibility', 200],
    ['an eligibility question', () => '/eligibility/group?zone=bell-foundry', 200],
    ['an eligibility question left unanswered', () => '/eligibility/zone?asked=zone', 400],
    ['eligible', () => '/eligibility/result?zone=bell-foundry&group=community&local=yes', 200],
    ['not eligible', () => '/eligibility/result?zone=elsewhere&group=individual&local=no', 200],
    ['alerts', () => '/alerts', 200],
    ['check your email', () => '/alerts/check-your-email', 200],
    ['a link that is not valid', () => '/alerts/confirm?token=nonsense', 404],
    ['accessibility statement', () => '/accessibility', 200],
    ['privacy notice', () => '/privacy', 200],
    ['cookies', () => '/cookies', 200],
    ['page not found', () => '/no-such-page', 404],
  ];

  describe('every page is accessible, valid, reflows at 320 px, and loads without errors', () => {
    let context: BrowserContext;
    let page: Page;
    let errors: string[];
    beforeAll(async () => {
      context = await visitor(browser);
      page = await context.newPage();
      errors = watchForErrors(page);
    });
    afterAll(async () => context?.close());

    it.each(PAGES)('%s', async (_name, path, status) => {
      const response = await page.goto(base + path());
      expect(response!.status()).toBe(status);
      const html = await response!.text();
      expect(await problemsOf(page, html, errors)).toEqual({ url: base + path(), axe: [], html: [], reflow: null, errors: [] });
    });
  });

  it('looks like the funder’s service, not GOV.UK: its own name, header, font and icon', async () => {
    const context = await visitor(browser);
    const page = await context.newPage();
    await page.goto(`${base}/`);
    expect(await page.locator('header').first().innerText()).toContain('People Zones Grants');
    expect(await page.content()).not.toMatch(/GOV\.UK|govuk-logo|govuk-header__logotype|Crown copyright/);
    const font = await page.evaluate(() => getComputedStyle(document.querySelector('.govuk-body')!).fontFamily);
    expect(font).toMatch(/system-ui/);
    expect(font).not.toMatch(/GDS Transport/);
    // The design system's script ran (it marks the body) under the page's CSP.
    expect(await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported'))).toBe(true);
    await context.close();
  });

  it('with JavaScript off, a visitor reads a round, checks eligibility, asks for alerts and confirms from the email', async () => {
    const context = await visitor(browser, { javaScript: false, width: 320 });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Funding rounds' }).first().click();
    await page.getByRole('link', { name: 'Summer round 2026' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Summer round 2026');
    await expect(page.getByText('£5,000').count()).resolves.toBeGreaterThan(0);

    await page.goto(`${base}/eligibility`);
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.title()).resolves.toMatch(/^Error: /);
    await page.getByLabel('Bell Foundry').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('A community or voluntary group').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Yes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Your group can apply');

    await page.goto(`${base}/alerts`);
    await page.getByLabel('Email address').fill('no-script@example.org');
    await page.getByLabel('New Parks').check();
    await page.getByRole('button', { name: 'Send me the confirmation email' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Check your email');

    const mail = await smtp.waitFor((m) => m.to === 'no-script@example.org', 10_000);
    const link = /https?:\/\/\S+\/alerts\/confirm\?token=[^\s"<>]+/.exec(mail.text)![0];
    const { pathname, search } = new URL(link);
    await page.goto(base + pathname + search);
    await page.getByRole('button', { name: 'Confirm email alerts' }).click();
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Your email alerts are set up');
    await context.close();
  }, 60_000);
});
