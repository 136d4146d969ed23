import type { Browser, Page } from 'playwright-core';
import { launchBrowser, problemsOf, visitor, watchForErrors } from './support/browser';

/** The page checks every browser test relies on must themselves catch what they are for. */
describe('the browser checks catch what they are meant to', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchBrowser();
    page = await (await visitor(browser)).newPage();
  });
  afterAll(async () => browser?.close());

  const valid = (body: string, head = '') =>
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Check</title>${head}</head><body><main><h1>Check</h1>${body}</main></body></html>`;

  it('passes a plain valid, accessible page', async () => {
    const html = valid('<p>Fine.</p>');
    await page.setContent(html);
    expect(await problemsOf(page, html)).toEqual({ url: 'about:blank', axe: [], html: [], reflow: null, errors: [] });
  });

  it('names an accessibility violation (an image without alternative text)', async () => {
    const html = valid('<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">');
    await page.setContent(html);
    expect((await problemsOf(page, html)).axe.join()).toMatch(/image-alt/);
  });

  it('names invalid HTML', async () => {
    const html = valid('<p>Unclosed <b>bold</p><div id="x"></div><div id="x"></div>');
    await page.setContent(html);
    expect((await problemsOf(page, html)).html.length).toBeGreaterThan(0);
  });

  it('names what makes a 320 px screen scroll sideways, but not a table scrolling in its own focusable region', async () => {
    const wide = valid('<div class="wide" style="width:600px">Too wide</div>');
    await page.setContent(wide);
    expect((await problemsOf(page, wide)).reflow).toMatch(/page is \d+px wide at 320px: div\.wide/);
    const region = valid('<div tabindex="0" role="region" aria-label="Table" style="overflow-x:auto"><div style="width:600px">Wide table</div></div>');
    await page.setContent(region);
    expect((await problemsOf(page, region)).reflow).toBeNull();
  });

  it('names a script error', async () => {
    const errors = watchForErrors(page);
    const html = valid('<script>undefinedFunction()</script>');
    await page.setContent(html);
    expect((await problemsOf(page, html, errors)).errors.join()).toMatch(/undefinedFunction/);
  });
});
