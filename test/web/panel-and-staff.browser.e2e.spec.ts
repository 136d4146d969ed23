import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { SignInLinks } from '@pz/identity';
import { launchBrowser, problemsOf, visitor, watchForErrors } from '../support/browser';
import { openAndSubmit, scheduleRound, waitUntilPast } from '../support/journey';
import { grantRole, signInLinkFor } from '../support/sign-in';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The panel scores and staff decide, in a real browser (Debian's chromium), with JavaScript on
 * (every page under axe, html-validate and the 320 px reflow check) and again with it off at
 * 320 px: staff schedule a round with their own criteria and choose its panel by email; one
 * member declares a conflict and scores two, and never sees the other's scores; staff read the
 * ranking, award one within budget, are refused one over what is left, and decline one.
 */
describe('the panel and staff in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    base = await t.listen();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it.each([
    { javaScript: true, width: 1024, run: 'on' },
    { javaScript: false, width: 320, run: 'off' },
  ])('a whole round, JavaScript $javaScript at $width px', async ({ javaScript, width, run }) => {
    const officer = `officer.${run}@example.org`;
    const [one, two] = [`resident.one.${run}@example.org`, `resident.two.${run}@example.org`];
    await grantRole(t, officer, 'staff');

    /** A person's own browser, signed in with an emailed link (its page, then Continue). */
    async function signedIn(email: string, next: string): Promise<{ page: Page; check: (name: string) => Promise<void> }> {
      const context = await visitor(browser, { javaScript, width });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const errors = watchForErrors(page);
      const check = async (name: string) => {
        if (javaScript) expect({ name, ...(await problemsOf(page, await page.content(), errors)) }).toEqual({ name, url: page.url(), axe: [], html: [], reflow: null, errors: [] });
        else expect({ name, errors: errors.splice(0) }).toEqual({ name, errors: [] });
      };
      await t.app.get(SignInLinks).send(email, next);
      await page.goto(base + (await signInLinkFor(t, email)));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${base}${next}`);
      return { page, check };
    }
    const h1 = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();
    const summary = (page: Page) => page.locator('.govuk-error-summary__list').innerText();

    // Staff schedule a round with their own criteria.
    const staff = await signedIn(officer, '/staff');
    await staff.check('rounds');
    await staff.page.getByRole('button', { name: 'Schedule a round' }).click();
    await expect(h1(staff.page)).resolves.toBe('Schedule a round');
    await staff.check('schedule a round');
    await staff.page.getByRole('button', { name: 'Schedule the round' }).click();
    await expect(staff.page.title()).resolves.toMatch(/^Error: Schedule a round/);
    await expect(summary(staff.page)).resolves.toContain('Enter the name of the round');
    await staff.check('schedule a round, with errors');
    const name = `Summer round ${run}`;
    await staff.page.getByLabel('Name of the round').fill(name);
    await staff.page.getByLabel('Bell Foundry').check();
    const opens = DateTime.now().setZone('Europe/London').minus({ days: 1 });
    const closes = DateTime.now().setZone('Europe/London').plus({ days: 7 });
    for (const [prefix, d] of [['opens', opens], ['closes', closes]] as const) {
      await staff.page.locator(`#${prefix}-day`).fill(String(d.day));
      await staff.page.locator(`#${prefix}-month`).fill(String(d.month));
      await staff.page.locator(`#${prefix}-year`).fill(String(d.year));
    }
    await staff.page.getByLabel('Budget for the round').fill('20,000');
    for (const [n, title, weight] of [[1, 'Reach', '3'], [2, 'Legacy', '2'], [3, '', ''], [4, '', ''], [5, '', '']] as const) {
      await staff.page.getByLabel(`Criterion ${n}`, { exact: true }).fill(title);
      await staff.page.getByLabel(`Weight of criterion ${n}`).fill(weight);
    }
    await staff.page.getByRole('button', { name: 'Schedule the round' }).click();
    await expect(h1(staff.page)).resolves.toBe(name);
    await staff.check('the round');
    const roundId = /\/staff\/rounds\/([0-9a-f-]{36})$/.exec(staff.page.url())![1];
    for (const email of [one, two]) {
      await staff.page.getByLabel('Add someone to the panel').fill(email);
      await staff.page.getByRole('button', { name: 'Add to the panel' }).click();
      await staff.page.getByText('They are on the panel now.').waitFor();
    }
    await staff.check('the round, with its panel');
    await staff.page.locator('#closes-time').fill('teatime');
    await staff.page.getByRole('button', { name: 'Change the dates' }).click();
    await expect(summary(staff.page)).resolves.toBe('The time of the closing date must be a time of day, like 9am or 17:30');
    await staff.check('the round, with a date error');
    await staff.page.getByRole('button', { name: 'Cancel the round' }).click();
    await expect(summary(staff.page)).resolves.toContain('Enter why the round is being cancelled');
    await staff.check('the round, cancelling without a reason');

    const conflicted = await openAndSubmit(t, roundId, `org-youth-${run}`, { title: 'Youth football' });
    await openAndSubmit(t, roundId, `org-garden-${run}`, { title: 'Community garden' });
    await openAndSubmit(t, roundId, `org-choir-${run}`, { title: 'Community choir' });

    // A member declares a conflict on one and scores the other two.
    const first = await signedIn(one, '/panel');
    await expect(first.page.getByText('3 applications are left for you to score.').count()).resolves.toBe(1);
    await first.check('your panel');
    await first.page.getByRole('link', { name: 'Youth football' }).click();
    await first.check('an application to score');
    await first.page.getByText('I have a conflict of interest').click();
    await first.page.getByRole('button', { name: 'Declare a conflict of interest' }).click();
    await expect(summary(first.page)).resolves.toContain('Enter why you have a conflict of interest');
    await first.check('a conflict without a reason');
    await first.page.getByLabel('Why do you have a conflict of interest?').fill('I coach the under-12s');
    await first.page.getByRole('button', { name: 'Declare a conflict of interest' }).click();
    await first.page.getByText('You declared a conflict of interest.').waitFor();
    await first.check('your panel, after a conflict');
    await expect(first.page.getByRole('link', { name: 'Youth football' }).count()).resolves.toBe(0);
    expect((await first.page.goto(`${base}/panel/applications/${conflicted}`))!.status()).toBe(404);

    for (const [title, reach, legacy, total] of [['Community garden', '4', '5', '22'], ['Community choir', '1', '1', '5']] as const) {
      await first.page.goto(`${base}/panel`);
      await first.page.getByRole('link', { name: title }).click();
      await first.page.getByRole('button', { name: 'Save your scores' }).click();
      await expect(summary(first.page)).resolves.toContain('Select a score for Reach');
      if (title === 'Community garden') await first.check('scores with errors');
      await first.page.getByRole('group', { name: 'Reach' }).getByLabel(reach, { exact: true }).check();
      if (javaScript) await first.page.getByText(`Weighted total: ${Number(reach) * 3} out of 25 so far (1 still to score)`, { exact: true }).waitFor();
      await first.page.getByRole('group', { name: 'Legacy' }).getByLabel(legacy, { exact: true }).check();
      // With JavaScript the total follows the choices before saving; without, it is worked out when saved.
      if (javaScript) await first.page.getByText(`Weighted total: ${total} out of 25`, { exact: true }).waitFor();
      else await expect(first.page.locator('#running-total').isHidden()).resolves.toBe(true);
      await first.page.getByLabel('Your comment (optional)').fill(`Resident one on ${title}`);
      await first.page.getByRole('button', { name: 'Save your scores' }).click();
      await first.page.getByText(`Your weighted total is ${total} out of 25.`).waitFor();
    }
    await first.check('your scores, saved');

    // The other member scores blind: they never see the first member's scores.
    const second = await signedIn(two, '/panel');
    await second.page.getByRole('link', { name: 'Community garden' }).click();
    await expect(second.page.getByText('Resident one on').count()).resolves.toBe(0);
    await expect(second.page.getByText('22 out of 25').count()).resolves.toBe(0);
    await second.page.getByRole('group', { name: 'Reach' }).getByLabel('0', { exact: true }).check();
    await second.page.getByRole('group', { name: 'Legacy' }).getByLabel('1', { exact: true }).check();
    await second.page.getByRole('button', { name: 'Save your scores' }).click();
    await second.page.getByText('Your weighted total is 2 out of 25.').waitFor();
    await expect(second.page.getByText('Resident one on').count()).resolves.toBe(0);
    await expect(second.page.content()).resolves.not.toContain(one);

    // Staff read the ranking: the garden first, its members far apart.
    await staff.page.getByRole('link', { name: 'See the ranking and decide' }).click();
    await expect(h1(staff.page)).resolves.toBe('Ranking');
    await staff.check('the ranking');
    const garden = staff.page.getByRole('row').filter({ hasText: 'Community garden' });
    const row = await garden.innerText();
    // Mean 12 of (22, 2); spread 20, far more than a quarter of the 25 a member can give.
    expect(row).toMatch(/^1\s/);
    expect(row).toMatch(/\s12\s/);
    expect(row).toContain(`${one}: 22`);
    expect(row).toContain(`${two}: 2`);
    expect(row).toMatch(/20\s+Members disagree/);

    // Decisions, once a round has closed: one award within budget, one over what is left, one declined.
    const decision = await scheduleRound(t, { name: `Decision round ${run}`, budgetPence: 500_000, closesInMs: 1_500 });
    const funded = await openAndSubmit(t, decision.id, `org-funded-${run}`, { title: `Funded bid ${run}`, requestedPence: 300_000 });
    const over = await openAndSubmit(t, decision.id, `org-over-${run}`, { title: 'Bid over budget', requestedPence: 300_000 });
    const declined = await openAndSubmit(t, decision.id, `org-declined-${run}`, { title: 'Declined bid', requestedPence: 100_000 });
    await waitUntilPast(decision.closesAt);

    await staff.page.goto(`${base}/staff/applications/${funded}`);
    await staff.page.getByText('After awarding £3,000 it will have £2,000 left.').waitFor();
    await staff.check('an application to decide');
    await staff.page.getByRole('button', { name: 'Award the grant' }).click();
    await staff.page.getByText('The grant is awarded.').waitFor();
    await staff.check('an awarded application');
    await staff.page.goto(`${base}/staff`);
    await staff.page.getByRole('region', { name: 'Offers not accepted yet' }).getByRole('link', { name: `Funded bid ${run}` }).waitFor();
    await staff.check('rounds, with an offer not accepted yet');

    await staff.page.goto(`${base}/staff/applications/${over}`);
    await staff.page.getByRole('button', { name: 'Award the grant' }).click();
    await expect(staff.page.title()).resolves.toMatch(/^Error: Bid over budget/);
    await expect(summary(staff.page)).resolves.toBe('This is more than the round has left: £2,000 is left of its £5,000 budget. Award less, or decline.');
    await staff.check('an award over budget, refused');

    await staff.page.goto(`${base}/staff/applications/${declined}`);
    await staff.page.getByLabel('Feedback for the applicant').fill('The plan for after the grant was not clear enough.');
    await staff.page.getByRole('button', { name: 'Decline the application' }).click();
    await staff.page.getByText('The application is declined.').waitFor();
    await staff.check('a declined application');
  }, 180_000);
});
