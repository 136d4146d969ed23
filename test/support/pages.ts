import request from 'supertest';
import type { TestApp } from './test-app';

/** A browser's cookie jar over supertest: what the page tests send forms with. */
export function browserAgent(t: TestApp) {
  return request.agent(t.http).set('Accept', 'text/html,application/xhtml+xml');
}

/** The CSRF token of the first form on a page, as a browser would send it back. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token on the page');
  return match[1];
}

/** Opens the page at `path` with `agent` and answers its form's CSRF token (the agent keeps the cookie). */
export async function openForm(agent: ReturnType<typeof browserAgent>, path: string): Promise<string> {
  const page = await agent.get(path).expect(200);
  return csrfTokenIn(page.text);
}

/** The text of the error summary's list, in order. */
export function errorSummaryOf(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#[^"]*">([^<]*)<\/a>/g)].map((m) => m[1].trim());
}

/**
 * What a person does with a confirm or unsubscribe link from an email: opens its page (which
 * changes nothing), then presses its button. Answers the page the button leads to.
 */
export async function followEmailedLink(t: TestApp, path: string): Promise<request.Response> {
  const agent = browserAgent(t);
  const page = await agent.get(path).expect(200);
  const action = /<form method="post" action="([^"]+)">/.exec(page.text)?.[1];
  const token = /name="token" value="([^"]+)"/.exec(page.text)?.[1];
  if (!action || !token) throw new Error(`No button on ${path}`);
  return agent.post(action).type('form').send({ token, _csrf: csrfTokenIn(page.text) }).expect(200);
}
