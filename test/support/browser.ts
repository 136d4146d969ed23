/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { HtmlValidate } from 'html-validate';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

/**
 * A real browser for the page tests: Debian's chromium driven by playwright-core (its own browser
 * downloads are blocked here; .ci/run installs chromium with apt when it is missing).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A browser context as a visitor has it; `javaScript: false` for the pages-work-without-JS checks. */
export async function visitor(browser: Browser, options: { javaScript?: boolean; width?: number } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScript ?? true,
    viewport: { width: options.width ?? 1024, height: 800 },
  });
  // Nothing but the service under test: a page asking for anything else fails the test.
  await context.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => route.abort());
  return context;
}

const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const validator = new HtmlValidate({ extends: ['html-validate:standard'] });

export interface PageProblems {
  url: string;
  axe: string[];
  html: string[];
  reflow: string | null;
  /** Console errors (a script the CSP blocked, a failed initialisation) and assets that did not load. */
  errors: string[];
}

/** Starts recording what goes wrong on a page: console errors, refused or failed requests. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    // The browser logs every 4xx/5xx load; those of assets are recorded below, and a page may be an error page on purpose.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`script: ${error.message}`));
  page.on('requestfailed', (request) => {
    // ERR_ABORTED: the browser cancelled it by leaving the page (a favicon still loading), not a failure to load.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    // The page itself may be an error page on purpose; what it loads may not.
    if (response.status() >= 400 && response.request().resourceType() !== 'document') errors.push(`${response.status()}: ${response.url()}`);
  });
  return errors;
}

/**
 * What every page must be (web.md): no axe violations under WCAG 2.2 AA, valid HTML, and no
 * sideways scrolling at 320 CSS pixels (a wide table may scroll inside its own focusable region).
 * Answers the problems found, so a failure names them all.
 */
export async function problemsOf(page: Page, html: string, errors: string[] = []): Promise<PageProblems> {
  const url = page.url();
  const axe = (await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze()).violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`,
  );
  const report = await validator.validateString(html);
  const htmlProblems = report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId} at ${m.line}:${m.column}: ${m.message}`));
  const reflow = await reflowProblem(page);
  return { url, axe, html: htmlProblems, reflow, errors: errors.splice(0) };
}

/** At 320 px wide, nothing makes the page scroll sideways except inside a focusable scrolling region. */
export async function reflowProblem(page: Page): Promise<string | null> {
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  try {
    return await page.evaluate(() => {
      const root = document.documentElement;
      if (root.scrollWidth <= root.clientWidth) return null;
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
        .filter((el) => !el.closest('[tabindex="0"][role="region"]'))
        .slice(0, 5)
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')}`);
      return `page is ${root.scrollWidth}px wide at 320px: ${wide.join(', ')}`;
    });
  } finally {
    if (viewport) await page.setViewportSize(viewport);
  }
}
