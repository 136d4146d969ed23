import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { SignInLinks } from '@pz/identity';
import { launchBrowser, problemsOf, visitor, watchForErrors } from '../support/browser';
import { awardGrants, Grants } from '../support/grants';
import { grantRole, signInLinkFor } from '../support/sign-in';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The public record, the staff RAG board and the auditor's pages in a real browser (Debian's
 * chromium): every page once under axe (WCAG 2.2 AA), html-validate and a 320 px reflow check
 * with no script or asset errors, and each journey with JavaScript on and off.
 */
describe('awards, the RAG board and the auditor in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let g: Grants;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    base = await t.listen();
    g = await awardGrants(t);
    await grantRole(t, 'board.staff@example.org', 'staff');
    await grantRole(t, 'board.auditor@example.org', 'auditor');
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Signs in as a person does: the emailed link's page, then its Continue button. */
  async function signInAs(page: Page, email: string): Promise<void> {
    await t.app.get(SignInLinks).send(email, null);
    await page.goto(base + (await signInLinkFor(t, email)));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();
  /** Waits for text on the page the last click led to (a click does not wait for the next page to load). */
  const shows = (page: Page, text: string) => page.getByText(text).first().waitFor({ timeout: 10_000 });

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

    const check = async (path: string, status: number) => {
      const response = await page.goto(base + path);
      expect(response!.status()).toBe(status);
      expect(await problemsOf(page, await response!.text(), errors)).toEqual({ url: base + path, axe: [], html: [], reflow: null, errors: [] });
    };
    /** After a button: the page it led to, as the browser has it. */
    const checkHere = async () => expect(await problemsOf(page, await page.content(), errors)).toEqual({ url: page.url(), axe: [], html: [], reflow: null, errors: [] });

    it.each([
      ['the public record', () => '/awards', 200],
      ['the public record filtered', () => '/awards?zone=new-parks', 200],
      ['the public record with a filter nobody could choose', () => '/awards?zone=atlantis', 400],
    ])('%s', async (_name, path, status) => check(path(), status));

    it('staff pages', async () => {
      await signInAs(page, 'board.staff@example.org');
      await check('/staff/grants', 200);
      await check('/staff/grants?rating=red&zone=bell-foundry', 200);
      await check('/staff/grants?rating=purple', 400);
      await check(`/staff/grants/${g.garden}`, 200);
      await check(`/staff/grants/${g.patrol}`, 200);
      await page.getByRole('link', { name: 'All grants' }).click();
      await page.goto(`${base}/staff/grants/${g.youthClub}`);
      await page.getByRole('button', { name: 'Set rating' }).click();
      await shows(page, 'There is a problem');
      await expect(page.title()).resolves.toMatch(/^Error: /);
      await checkHere();
      await check('/staff/operations', 200);
      await check('/staff/operations?state=completed', 200);
      await page.getByRole('button', { name: 'Sign out' }).click();
    }, 60_000);

    it('auditor pages', async () => {
      await signInAs(page, 'board.auditor@example.org');
      await check('/auditor', 200);
      await check('/auditor?q=garden', 200);
      await check(`/auditor/applications/${g.garden}`, 200);
      await check(`/auditor/applications/${g.garden}/state?at=${encodeURIComponent(new Date().toISOString())}`, 200);
      await check(`/auditor/applications/${g.garden}/state?day=31&month=2&year=2026&time=9`, 400);
      await check(`/auditor/applications/${g.garden}/scoring`, 200);
      await check('/auditor/chain', 200);
      await page.getByRole('button', { name: 'Check the chain' }).click();
      await shows(page, 'All ');
      await expect(heading(page)).resolves.toBe('The hash chain is intact');
      await checkHere();
      await check('/auditor/replay', 200);
      await page.getByRole('button', { name: 'Replay the log' }).click();
      await shows(page, 'events replayed');
      await expect(heading(page)).resolves.toBe('Replay matches the read models');
      await checkHere();
      await page.getByRole('button', { name: 'Sign out' }).click();
    }, 60_000);
  });

  describe.each([
    ['on', true],
    ['off', false],
  ])('with JavaScript %s', (_label, javaScript) => {
    let context: BrowserContext;
    let page: Page;
    beforeEach(async () => {
      context = await visitor(browser, { javaScript, width: javaScript ? 1024 : 320 });
      page = await context.newPage();
    });
    afterEach(async () => context?.close());

    it('the public sees every award, a chart whose table matches the 360Giving figures, and the downloads; not the unapproved case study', async () => {
      await page.goto(`${base}/`);
      await page.getByRole('link', { name: 'Awards' }).click();
      await page.waitForURL(/\/awards$/);
      await expect(heading(page)).resolves.toBe('Grants awarded');
      await expect(page.getByRole('cell', { name: 'Bell Foundry Garden' }).count()).resolves.toBe(1);
      const feed = (await request(t.http).get('/open-data/360giving.json').expect(200)).body.grants as Array<{ amountAwarded: number; beneficiaryLocation: { name: string }[] }>;
      const bellFoundry = feed.filter((f) => f.beneficiaryLocation[0].name === 'Bell Foundry');
      const row = page.locator('#table-zone tbody tr', { hasText: 'Bell Foundry' });
      await expect(row.locator('td').allInnerTexts()).resolves.toEqual([
        String(bellFoundry.length),
        `£${bellFoundry.reduce((sum, f) => sum + f.amountAwarded, 0).toLocaleString('en-GB')}`,
      ]);
      const chart = page.getByRole('img', { name: /^Bar chart, money awarded by People Zone\. Bell Foundry: £4,000\./ });
      await expect(chart.count()).resolves.toBe(1);
      // The picture itself loaded and has a size (an SVG the browser could draw).
      await expect(chart.evaluate((img: HTMLImageElement) => img.naturalWidth > 0)).resolves.toBe(true);
      await expect(page.getByRole('link', { name: 'Every grant as a spreadsheet (CSV)' }).getAttribute('href')).resolves.toBe('/open-data/360giving.csv');
      await expect(page.getByRole('link', { name: 'Every grant as 360Giving JSON' }).getAttribute('href')).resolves.toBe('/open-data/360giving.json');
      await expect(page.getByText('Pastors on the street').count()).resolves.toBe(0);

      await page.getByLabel('People Zone', { exact: true }).selectOption({ label: 'New Parks' });
      await page.getByRole('button', { name: 'Show grants' }).click();
      await page.waitForURL(/zone=new-parks/);
      await expect(page.locator('#grants tbody tr').allInnerTexts()).resolves.toEqual([expect.stringContaining('Friday youth club')]);
    }, 60_000);

    it('staff filter the RAG board and set a rating with a reason and a message', async () => {
      await signInAs(page, 'board.staff@example.org');
      await page.getByRole('link', { name: 'Grants', exact: true }).click();
      await page.waitForURL(/\/staff\/grants$/);
      await expect(heading(page)).resolves.toBe('Grants');
      await page.getByLabel('Rating', { exact: true }).selectOption({ label: 'Green' });
      await page.getByLabel('People Zone', { exact: true }).selectOption({ label: 'New Parks' });
      await page.getByRole('button', { name: 'Show grants' }).click();
      await page.waitForURL(/rating=green/);
      await expect(page.locator('#grants tbody tr').count()).resolves.toBe(1);
      await page.getByRole('link', { name: 'Friday youth club' }).click();
      await page.waitForURL(/\/staff\/grants\/[0-9a-f-]+$/);
      await expect(heading(page)).resolves.toBe('Friday youth club');

      await page.getByRole('button', { name: 'Set rating' }).click();
      await shows(page, 'There is a problem');
      await expect(page.title()).resolves.toMatch(/^Error: /);
      await page.getByLabel('Amber').check();
      await page.getByLabel('Why').fill(`Volunteers leaving (JavaScript ${javaScript ? 'on' : 'off'})`);
      await page.getByLabel('Message to the group (optional)').fill('Can we help you recruit?');
      await page.getByRole('button', { name: 'Set rating' }).click();
      await shows(page, 'Rating set to Amber');
      await expect(page.locator('#current-rating').innerText()).resolves.toContain(`Volunteers leaving (JavaScript ${javaScript ? 'on' : 'off'})`);

      // Put it back for the other run, through the same form.
      await page.getByLabel('Green').check();
      await page.getByLabel('Why').fill('Volunteers found');
      await page.getByRole('button', { name: 'Set rating' }).click();
      await shows(page, 'Rating set to Green');
    }, 60_000);

    it('an auditor finds an application, reads its history and its state before the award, and verifies the chain', async () => {
      await signInAs(page, 'board.auditor@example.org');
      await page.getByRole('link', { name: 'Audit', exact: true }).click();
      await page.getByLabel('Find an application').fill('garden');
      await page.getByRole('button', { name: 'Find' }).click();
      await page.waitForURL(/q=garden/);
      await page.getByRole('link', { name: 'Bell Foundry Garden' }).click();
      await page.waitForURL(/\/auditor\/applications\/[0-9a-f-]+$/);
      await expect(heading(page)).resolves.toBe('Bell Foundry Garden');
      const whats = await page.locator('#history tbody tr td:nth-child(2)').allInnerTexts();
      expect(whats.map((w) => w.split('\n')[0])).toEqual([
        'Draft started',
        'Sent for assessment',
        'Scored by a panel member',
        'Scored by a panel member',
        'Grant awarded',
        'Monitoring scheduled',
        'RAG rating set',
      ]);
      await expect(page.locator('#history tbody tr').nth(6).innerText()).resolves.toContain('Safeguarding concern at the venue');

      // Just after the last scoring: the state before the award.
      await page.getByRole('link', { name: 'As it stood after this' }).nth(3).click();
      await page.waitForURL(/\/state\?at=/);
      await expect(page.locator('#state').innerText()).resolves.toMatch(/Status\s+Sent/);
      await expect(page.locator('#state').innerText()).resolves.toContain('Nothing awarded');
      await page.getByRole('link', { name: 'Back to its history' }).click();
      await page.waitForURL(/\/auditor\/applications\/[0-9a-f-]+$/);

      // A date and time typed in: before anything happened.
      await page.getByLabel('Day').fill('1');
      await page.getByLabel('Month').fill('1');
      await page.getByLabel('Year').fill('2020');
      await page.getByLabel('Time').fill('12:00');
      await page.getByRole('button', { name: 'Show it as it stood' }).click();
      await shows(page, 'The application had not been started yet');

      await page.goto(`${base}/auditor`);
      await page.getByRole('link', { name: 'Check the hash chain' }).click();
      await page.getByRole('button', { name: 'Check the chain' }).click();
      await shows(page, 'All ');
      await expect(heading(page)).resolves.toBe('The hash chain is intact');
    }, 60_000);
  });
});
