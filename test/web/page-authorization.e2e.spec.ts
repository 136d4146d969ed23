import request from 'supertest';
import { scheduleRound } from '../support/journey';
import { browserAgent } from '../support/pages';
import { subscribeConfirmed } from '../support/subscriptions';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/**
 * Every page route x every kind of visitor -> the status web.md promises. The page list comes
 * from the running app, so a new page without a row here fails the suite. Pages are signed in to
 * with the session cookie only: a bearer token (even staff's) changes nothing on a page.
 */
const VISITORS = ['anonymous', 'bearerApplicant', 'bearerPanel', 'bearerStaff', 'bearerAuditor'] as const;
type Visitor = (typeof VISITORS)[number];

interface PageSpec {
  path: () => string;
  /** For a POST: the form sent (without a CSRF token unless `withCsrfFrom` names the page that has it). */
  form?: Record<string, string>;
  expect: Record<Visitor, number>;
}

const everyone = (status: number) => Object.fromEntries(VISITORS.map((v) => [v, status])) as Record<Visitor, number>;

const fx: { round: string; confirm: string; unsubscribe: string } = { round: '', confirm: '', unsubscribe: '' };

const PAGES: Record<string, PageSpec> = {
  'GET /': { path: () => '/', expect: everyone(200) },
  'GET /funding': { path: () => '/funding', expect: everyone(200) },
  'GET /funding/:roundId': { path: () => `/funding/${fx.round}`, expect: everyone(200) },
  'GET /guidance': { path: () => '/guidance', expect: everyone(200) },
  'GET /eligibility': { path: () => '/eligibility', expect: everyone(200) },
  'GET /eligibility/result': { path: () => '/eligibility/result?zone=new-parks&group=charity&local=yes', expect: everyone(200) },
  'GET /eligibility/:question': { path: () => '/eligibility/zone', expect: everyone(200) },
  'GET /alerts': { path: () => '/alerts', expect: everyone(200) },
  'GET /alerts/check-your-email': { path: () => '/alerts/check-your-email', expect: everyone(200) },
  'GET /alerts/confirm': { path: () => `/alerts/confirm?token=${encodeURIComponent(fx.confirm)}`, expect: everyone(200) },
  'GET /alerts/unsubscribe': { path: () => `/alerts/unsubscribe?token=${encodeURIComponent(fx.unsubscribe)}`, expect: everyone(200) },
  'GET /accessibility': { path: () => '/accessibility', expect: everyone(200) },
  'GET /privacy': { path: () => '/privacy', expect: everyone(200) },
  'GET /cookies': { path: () => '/cookies', expect: everyone(200) },
  // Every form POST needs the CSRF token of the visitor's own page: without it, 403 for everyone.
  'POST /alerts': { path: () => '/alerts', form: { email: 'matrix@example.org' }, expect: everyone(403) },
  'POST /alerts/confirm': { path: () => '/alerts/confirm', form: { token: fx.confirm }, expect: everyone(403) },
  'POST /alerts/unsubscribe': { path: () => '/alerts/unsubscribe', form: { token: fx.unsubscribe }, expect: everyone(403) },
};

describe('page authorisation: every page x every visitor', () => {
  let t: TestApp;
  const tokens: Partial<Record<Visitor, string>> = {};

  beforeAll(async () => {
    t = await startTestApp();
    fx.round = (await scheduleRound(t)).id;
    const subscription = await subscribeConfirmed(t, 'matrix.resident@example.org');
    fx.confirm = subscription.confirmToken;
    fx.unsubscribe = subscription.unsubscribeToken;
    tokens.bearerApplicant = t.token({ role: 'applicant', sub: 'a-1', org: 'org-a', email: 'a@example.org' });
    tokens.bearerPanel = t.token({ role: 'panel', sub: 'p-1' });
    tokens.bearerStaff = t.token({ role: 'staff', sub: 's-1' });
    tokens.bearerAuditor = t.token({ role: 'auditor', sub: 'au-1' });
  });
  afterAll(async () => t?.close());

  it('covers every page route the server routes', () => {
    const routed = [...new Set(t.pageRoutes)].sort();
    expect(routed.length).toBeGreaterThan(0);
    expect({ notInMatrix: routed.filter((r) => !(r in PAGES)) }).toEqual({ notInMatrix: [] });
    expect({ notRouted: Object.keys(PAGES).filter((r) => !routed.includes(r)) }).toEqual({ notRouted: [] });
  });

  const cells = Object.entries(PAGES).flatMap(([route, spec]) => VISITORS.map((visitor) => ({ route, visitor, spec, expected: spec.expect[visitor] })));

  it.each(cells)('$route as $visitor -> $expected', async ({ route, visitor, spec, expected }) => {
    const token = tokens[visitor];
    const agent = browserAgent(t);
    const withToken = <T extends request.Test>(test: T): T => (token ? test.set(bearer(token)) : test);
    const res = route.startsWith('POST') ? await withToken(agent.post(spec.path()).type('form').send(spec.form ?? {})) : await withToken(agent.get(spec.path()));
    expect({ route, visitor, status: res.status }).toEqual({ route, visitor, status: expected });
    expect(res.headers['content-type']).toMatch(/^text\/html/);
  });
});
