import { readdirSync } from 'node:fs';
import request from 'supertest';
import { SignInLinks } from '@pz/identity';
import { PersonalDataVault } from '@pz/people';
import { openAndSubmit, scheduleRound } from '../support/journey';
import { browserAgent, csrfTokenIn } from '../support/pages';
import { Agent, grantRole, registerOrganisation, signIn, signInLinkFor } from '../support/sign-in';
import { subscribeConfirmed } from '../support/subscriptions';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/**
 * Every page route x every kind of visitor -> the status web.md promises. The page list comes
 * from the running app, so a new page without a row here fails the suite. Pages are signed in to
 * with the session cookie only: a bearer token (even staff's) is the same as nobody signed in.
 * Every POST is tried without a CSRF token (403 for everyone, nothing runs) and with one (the
 * visitor's own), where the access rule answers: sign in first (303), not your area (403), or
 * the handler's own answer to an empty form.
 */
const ANONYMOUS = ['anonymous', 'bearerApplicant', 'bearerStaff'] as const;
const SESSIONS = ['signedIn', 'applicant', 'panel', 'staff', 'auditor'] as const;
const VISITORS = [...ANONYMOUS, ...SESSIONS] as const;
type Visitor = (typeof VISITORS)[number];
type SessionVisitor = (typeof SESSIONS)[number];

interface PageSpec {
  path: () => string;
  /** For a POST: the form sent. */
  form?: () => Record<string, string>;
  expect: Record<Visitor, number>;
  /** The POST ends the visitor's session: each session visitor gets a throwaway one of its own. */
  endsSession?: true;
}

const all = (status: number) => Object.fromEntries(VISITORS.map((v) => [v, status])) as Record<Visitor, number>;
/** Anyone signed in: the handler's status; anyone else is sent to sign in. */
const signedIn = (status: number) => ({ ...all(303), ...Object.fromEntries(SESSIONS.map((v) => [v, status])) }) as Record<Visitor, number>;
/** Only these roles: the handler's status; other signed-in people 403 (another role's area); anyone else to sign in. */
const only = (roles: SessionVisitor[], status: number) =>
  ({ ...all(303), ...Object.fromEntries(SESSIONS.map((v) => [v, roles.includes(v) ? status : 403])) }) as Record<Visitor, number>;

const fx = { round: '', application: '', confirm: '', unsubscribe: '', signInLink: '', mail: '', panelPerson: '', applicantPerson: '', draft: '', toWithdraw: '' };

const PAGES: Record<string, PageSpec> = {
  'GET /': { path: () => '/', expect: all(200) },
  'GET /funding': { path: () => '/funding', expect: all(200) },
  'GET /funding/:roundId': { path: () => `/funding/${fx.round}`, expect: all(200) },
  'GET /guidance': { path: () => '/guidance', expect: all(200) },
  'GET /eligibility': { path: () => '/eligibility', expect: all(200) },
  'GET /eligibility/result': { path: () => '/eligibility/result?zone=new-parks&group=charity&local=yes', expect: all(200) },
  'GET /eligibility/:question': { path: () => '/eligibility/zone', expect: all(200) },
  'GET /alerts': { path: () => '/alerts', expect: all(200) },
  'GET /alerts/check-your-email': { path: () => '/alerts/check-your-email', expect: all(200) },
  'GET /alerts/confirm': { path: () => `/alerts/confirm?token=${encodeURIComponent(fx.confirm)}`, expect: all(200) },
  'GET /alerts/unsubscribe': { path: () => `/alerts/unsubscribe?token=${encodeURIComponent(fx.unsubscribe)}`, expect: all(200) },
  'GET /accessibility': { path: () => '/accessibility', expect: all(200) },
  'GET /privacy': { path: () => '/privacy', expect: all(200) },
  'GET /cookies': { path: () => '/cookies', expect: all(200) },
  'POST /alerts': { path: () => '/alerts', form: () => ({}), expect: all(400) },
  'POST /alerts/confirm': { path: () => '/alerts/confirm', form: () => ({}), expect: all(404) },
  'POST /alerts/unsubscribe': { path: () => '/alerts/unsubscribe', form: () => ({}), expect: all(404) },
  'GET /awards': { path: () => '/awards', expect: all(200) },

  // Signing in and out. Someone already signed in is sent on from the sign-in form.
  'GET /sign-in': { path: () => '/sign-in', expect: { ...all(200), ...Object.fromEntries(SESSIONS.map((v) => [v, 303])) } as Record<Visitor, number> },
  'POST /sign-in': { path: () => '/sign-in', form: () => ({}), expect: all(400) },
  'GET /sign-in/check-your-email': { path: () => '/sign-in/check-your-email', expect: all(200) },
  'POST /sign-in/send-again': { path: () => '/sign-in/send-again', form: () => ({}), expect: all(303) },
  'GET /sign-in/link': { path: () => fx.signInLink, expect: all(200) },
  'POST /sign-in/link': { path: () => '/sign-in/link', form: () => ({}), expect: all(404) },
  // No OpenID provider configured in this app: those pages do not exist (oidc.browser.e2e covers them).
  'GET /sign-in/oidc': { path: () => '/sign-in/oidc', expect: all(404) },
  'GET /sign-in/oidc/callback': { path: () => '/sign-in/oidc/callback?code=x&state=y', expect: all(404) },
  'POST /sign-out': { path: () => '/sign-out', form: () => ({}), expect: all(303), endsSession: true },
  'GET /signed-out': { path: () => '/signed-out', expect: all(200) },

  // A person's own account.
  'GET /account': { path: () => '/account', expect: signedIn(200) },
  'POST /account/acting-for': { path: () => '/account/acting-for', form: () => ({ org: 'org-of-someone-else' }), expect: signedIn(404) },
  'POST /account/sign-out-everywhere': { path: () => '/account/sign-out-everywhere', form: () => ({}), expect: signedIn(303), endsSession: true },
  'GET /account/tokens/new': { path: () => '/account/tokens/new', expect: signedIn(200) },
  'POST /account/tokens/new': { path: () => '/account/tokens/new', form: () => ({}), expect: signedIn(400) },
  'POST /account/tokens/:id/revoke': { path: () => '/account/tokens/0123456789abcdef/revoke', form: () => ({}), expect: signedIn(404) },

  // Applicants.
  'GET /my': { path: () => '/my', expect: signedIn(200) },
  'GET /my/organisation': { path: () => '/my/organisation', expect: signedIn(200) },
  'POST /my/organisation': { path: () => '/my/organisation', form: () => ({}), expect: signedIn(400) },
  'GET /my/organisation/new': { path: () => '/my/organisation/new', expect: signedIn(200) },
  'POST /my/organisation/new': { path: () => '/my/organisation/new', form: () => ({}), expect: signedIn(400) },
  'GET /my/organisation/invite': { path: () => '/my/organisation/invite', expect: only(['applicant'], 200) },
  'POST /my/organisation/invite': { path: () => '/my/organisation/invite', form: () => ({}), expect: only(['applicant'], 400) },
  // Someone who is not a member of the visitor's organisation: to them, nobody.
  'POST /my/organisation/members/:personId/remove': { path: () => `/my/organisation/members/${fx.panelPerson}/remove`, form: () => ({}), expect: only(['applicant'], 404) },

  // An application, as its organisation's members see it (a draft here); to anyone else it does not exist.
  'GET /my/applications/new': { path: () => `/my/applications/new?round=${fx.round}`, expect: signedIn(200) },
  'POST /my/applications/new': { path: () => '/my/applications/new', form: () => ({}), expect: only(['applicant'], 404) },
  'GET /my/applications/:id': { path: () => `/my/applications/${fx.draft}`, expect: only(['applicant'], 200) },
  'GET /my/applications/:id/answers/:section': { path: () => `/my/applications/${fx.draft}/answers/about`, expect: only(['applicant'], 200) },
  'POST /my/applications/:id/answers/:section': { path: () => `/my/applications/${fx.draft}/answers/about`, form: () => ({}), expect: only(['applicant'], 400) },
  // Not complete yet: back to the task list; sending it is refused with a page that says why.
  'GET /my/applications/:id/check': { path: () => `/my/applications/${fx.draft}/check`, expect: only(['applicant'], 303) },
  'POST /my/applications/:id/send': { path: () => `/my/applications/${fx.draft}/send`, form: () => ({}), expect: only(['applicant'], 409) },
  'GET /my/applications/:id/sent': { path: () => `/my/applications/${fx.draft}/sent`, expect: only(['applicant'], 303) },
  'GET /my/applications/:id/withdraw': { path: () => `/my/applications/${fx.draft}/withdraw`, expect: only(['applicant'], 200) },
  'POST /my/applications/:id/withdraw': { path: () => `/my/applications/${fx.toWithdraw}/withdraw`, form: () => ({}), expect: only(['applicant'], 303) },
  // A draft has no offer and no reports yet.
  'POST /my/applications/:id/accept': { path: () => `/my/applications/${fx.draft}/accept`, form: () => ({}), expect: only(['applicant'], 404) },
  'GET /my/applications/:id/check-in': { path: () => `/my/applications/${fx.draft}/check-in`, expect: only(['applicant'], 404) },
  'POST /my/applications/:id/check-in': { path: () => `/my/applications/${fx.draft}/check-in`, form: () => ({}), expect: only(['applicant'], 404) },
  'GET /my/applications/:id/return': { path: () => `/my/applications/${fx.draft}/return`, expect: only(['applicant'], 404) },
  'POST /my/applications/:id/return': { path: () => `/my/applications/${fx.draft}/return`, form: () => ({}), expect: only(['applicant'], 404) },
  'GET /my/applications/:id/case-study': { path: () => `/my/applications/${fx.draft}/case-study`, expect: only(['applicant'], 404) },
  'POST /my/applications/:id/case-study': { path: () => `/my/applications/${fx.draft}/case-study`, form: () => ({}), expect: only(['applicant'], 404) },

  // Staff.
  'GET /staff/people': { path: () => '/staff/people', expect: only(['staff'], 200) },
  'GET /staff/people/invite': { path: () => '/staff/people/invite', expect: only(['staff'], 200) },
  'POST /staff/people/invite': { path: () => '/staff/people/invite', form: () => ({}), expect: only(['staff'], 400) },
  'GET /staff/people/:personId': { path: () => `/staff/people/${fx.panelPerson}`, expect: only(['staff'], 200) },
  'POST /staff/people/:personId/revoke': { path: () => `/staff/people/${fx.panelPerson}/revoke`, form: () => ({ role: 'panel', zone: 'new-parks', roundId: '' }), expect: only(['staff'], 400) },

  // The panel. The matrix's panel member sits on no round's panel: every application is, to them, nobody's.
  'GET /panel': { path: () => '/panel', expect: only(['panel'], 200) },
  'GET /panel/applications/:id': { path: () => `/panel/applications/${fx.application}`, expect: only(['panel'], 404) },
  'POST /panel/applications/:id/scores': { path: () => `/panel/applications/${fx.application}/scores`, form: () => ({}), expect: only(['panel'], 404) },
  'POST /panel/applications/:id/conflict': { path: () => `/panel/applications/${fx.application}/conflict`, form: () => ({}), expect: only(['panel'], 404) },

  // Staff: rounds and decisions.
  'GET /staff': { path: () => '/staff', expect: only(['staff'], 200) },
  'GET /staff/rounds/new': { path: () => '/staff/rounds/new', expect: only(['staff'], 200) },
  'POST /staff/rounds/new': { path: () => '/staff/rounds/new', form: () => ({}), expect: only(['staff'], 400) },
  'GET /staff/rounds/:id': { path: () => `/staff/rounds/${fx.round}`, expect: only(['staff'], 200) },
  'POST /staff/rounds/:id/reschedule': { path: () => `/staff/rounds/${fx.round}/reschedule`, form: () => ({}), expect: only(['staff'], 400) },
  'POST /staff/rounds/:id/cancel': { path: () => `/staff/rounds/${fx.round}/cancel`, form: () => ({}), expect: only(['staff'], 400) },
  'POST /staff/rounds/:id/panel': { path: () => `/staff/rounds/${fx.round}/panel`, form: () => ({}), expect: only(['staff'], 400) },
  'POST /staff/rounds/:id/panel/remove': { path: () => `/staff/rounds/${fx.round}/panel/remove`, form: () => ({ member: fx.panelPerson }), expect: only(['staff'], 404) },
  'GET /staff/rounds/:id/ranking': { path: () => `/staff/rounds/${fx.round}/ranking`, expect: only(['staff'], 200) },
  'GET /staff/applications/:id': { path: () => `/staff/applications/${fx.application}`, expect: only(['staff'], 200) },
  'POST /staff/applications/:id/award': { path: () => `/staff/applications/${fx.application}/award`, form: () => ({}), expect: only(['staff'], 400) },
  'POST /staff/applications/:id/decline': { path: () => `/staff/applications/${fx.application}/decline`, form: () => ({}), expect: only(['staff'], 400) },

  // The RAG board. A sent application is not a grant: to staff, no such grant.
  'GET /staff/grants': { path: () => '/staff/grants', expect: only(['staff'], 200) },
  'GET /staff/grants/:id': { path: () => `/staff/grants/${fx.application}`, expect: only(['staff'], 404) },
  'POST /staff/grants/:id/rating': { path: () => `/staff/grants/${fx.application}/rating`, form: () => ({}), expect: only(['staff'], 404) },
  // Failed emails and jobs: a job that never failed cannot be retried.
  'GET /staff/operations': { path: () => '/staff/operations', expect: only(['staff'], 200) },
  'POST /staff/operations/jobs/:id/retry': { path: () => '/staff/operations/jobs/no-such-job/retry', form: () => ({}), expect: only(['staff'], 404) },
  'POST /staff/grants/:id/case-study/approve': { path: () => `/staff/grants/${fx.application}/case-study/approve`, form: () => ({}), expect: only(['staff'], 404) },

  // Auditors. Checking the chain and replaying read only: they answer their result page.
  'GET /auditor': { path: () => '/auditor', expect: only(['auditor'], 200) },
  'GET /auditor/applications/:id': { path: () => `/auditor/applications/${fx.application}`, expect: only(['auditor'], 200) },
  'GET /auditor/applications/:id/state': { path: () => `/auditor/applications/${fx.application}/state?at=${encodeURIComponent(new Date().toISOString())}`, expect: only(['auditor'], 200) },
  'GET /auditor/applications/:id/scoring': { path: () => `/auditor/applications/${fx.application}/scoring`, expect: only(['auditor'], 200) },
  'GET /auditor/chain': { path: () => '/auditor/chain', expect: only(['auditor'], 200) },
  'POST /auditor/chain': { path: () => '/auditor/chain', form: () => ({}), expect: only(['auditor'], 200) },
  'GET /auditor/replay': { path: () => '/auditor/replay', expect: only(['auditor'], 200) },
  'POST /auditor/replay': { path: () => '/auditor/replay', form: () => ({}), expect: only(['auditor'], 200) },

  // Development only, loopback only (this app runs with NODE_ENV=test, no SMTP_URL, on loopback).
  'GET /dev/mail': { path: () => '/dev/mail', expect: all(200) },
  'GET /dev/mail/:name': { path: () => `/dev/mail/${fx.mail}`, expect: all(200) },
};

describe('page authorisation: every page x every visitor', () => {
  let t: TestApp;
  const tokens: Partial<Record<Visitor, string>> = {};
  const sessions: Partial<Record<SessionVisitor, Agent>> = {};
  let throwaway = 0;

  /** A person of this kind, signed in: `signedIn` has no role and no organisation. */
  async function sessionOf(kind: SessionVisitor, email: string): Promise<Agent> {
    if (kind !== 'signedIn' && kind !== 'applicant') await grantRole(t, email, kind, kind === 'panel' ? { zone: 'new-parks' } : {});
    const agent = await signIn(t, email);
    // A person registers their group once signed in (their account is opened at sign-in).
    if (kind === 'applicant') {
      const personId = await t.app.get(PersonalDataVault).personIdFor(email);
      const org = await registerOrganisation(t, personId, 'Matrix Allotments');
      // Drafts of their organisation, opened through the API as one of its members would.
      const member = bearer(t.token({ role: 'applicant', sub: personId, org, email }));
      fx.draft ||= (await request(t.http).post(`/rounds/${fx.round}/applications`).set(member).send({ title: 'Matrix draft' }).expect(201)).body.id;
      fx.toWithdraw ||= (await request(t.http).post(`/rounds/${fx.round}/applications`).set(member).send({ title: 'Matrix draft to withdraw' }).expect(201)).body.id;
    }
    return agent;
  }

  beforeAll(async () => {
    t = await startTestApp();
    fx.round = (await scheduleRound(t)).id;
    fx.application = await openAndSubmit(t, fx.round, 'org-matrix');
    const subscription = await subscribeConfirmed(t, 'matrix.resident@example.org');
    fx.confirm = subscription.confirmToken;
    fx.unsubscribe = subscription.unsubscribeToken;
    await t.app.get(SignInLinks).send('matrix.unused.link@example.org', null);
    fx.signInLink = await signInLinkFor(t, 'matrix.unused.link@example.org');
    fx.mail = readdirSync(t.config.outboxDir).find((n) => n.endsWith('.eml'))!;
    for (const kind of SESSIONS) sessions[kind] = await sessionOf(kind, `matrix.${kind}@example.org`);
    fx.panelPerson = await t.app.get(PersonalDataVault).personIdFor('matrix.panel@example.org');
    tokens.bearerApplicant = t.token({ role: 'applicant', sub: 'a-1', org: 'org-a', email: 'a@example.org' });
    tokens.bearerStaff = t.token({ role: 'staff', sub: 's-1' });
  }, 60_000);
  afterAll(async () => t?.close());

  it('covers every page route the server routes', () => {
    const routed = [...new Set(t.pageRoutes)].sort();
    expect(routed.length).toBeGreaterThan(0);
    expect({ notInMatrix: routed.filter((r) => !(r in PAGES)) }).toEqual({ notInMatrix: [] });
    expect({ notRouted: Object.keys(PAGES).filter((r) => !routed.includes(r)) }).toEqual({ notRouted: [] });
  });

  const anonymousAgents: Partial<Record<Visitor, Agent>> = {};
  const agentFor = async (visitor: Visitor, spec: PageSpec): Promise<Agent> => {
    if (!(SESSIONS as readonly string[]).includes(visitor)) return (anonymousAgents[visitor] ??= browserAgent(t));
    const kind = visitor as SessionVisitor;
    return spec.endsSession ? sessionOf(kind, `matrix.throwaway.${kind}.${throwaway++}@example.org`) : sessions[kind]!;
  };
  /** The visitor's CSRF token: bound to their cookie, so one page's token serves every form (pages are rate-limited per route). */
  const csrfTokens = new Map<Agent, string>();
  const csrfFor = async (agent: Agent): Promise<string> => {
    if (!csrfTokens.has(agent)) csrfTokens.set(agent, csrfTokenIn((await agent.get('/alerts').expect(200)).text));
    return csrfTokens.get(agent)!;
  };

  const cells = Object.entries(PAGES).flatMap(([route, spec]) => VISITORS.map((visitor) => ({ route, visitor, spec, expected: spec.expect[visitor] })));

  it.each(cells)('$route as $visitor -> $expected', async ({ route, visitor, spec, expected }) => {
    const token = tokens[visitor as keyof typeof tokens];
    const agent = await agentFor(visitor, spec);
    const withToken = <T extends request.Test>(test: T): T => (token ? test.set(bearer(token)) : test);
    let res: request.Response;
    if (route.startsWith('POST')) {
      const refused = await withToken(agent.post(spec.path()).type('form').send(spec.form!()));
      expect({ route, visitor, withoutCsrf: refused.status }).toEqual({ route, visitor, withoutCsrf: 403 });
      const csrf = await csrfFor(agent);
      res = await withToken(agent.post(spec.path()).type('form').send({ ...spec.form!(), _csrf: csrf }));
    } else {
      res = await withToken(agent.get(spec.path()));
    }
    expect({ route, visitor, status: res.status }).toEqual({ route, visitor, status: expected });
    if (res.status !== 303) expect(res.headers['content-type']).toMatch(/^text\/html/);
    if (res.status === 303 && expected === 303 && (ANONYMOUS as readonly string[]).includes(visitor) && spec.expect.staff !== 303 && spec.expect.applicant !== 303) {
      expect(res.headers.location).toMatch(/^\/sign-in\?next=/);
    }
  });
});
