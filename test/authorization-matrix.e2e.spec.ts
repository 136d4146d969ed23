import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { applicationBody, financialYearOf, openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { subscribeConfirmed } from './support/subscriptions';
import { bearer, startTestApp, TEST_SECRET, TestApp } from './support/test-app';

/**
 * Every route the app exposes x every kind of caller -> the status the public contract
 * (shared/api.md) promises. The route list comes from the running app, so a new endpoint
 * without a row here fails the suite instead of slipping in untested.
 *
 * Each cell that may change state gets its own fixture (a round or an application of its
 * own), so cells are independent of each other and of the order they run in.
 */

const CALLERS = [
  'anonymous',
  'applicantOwnOrg',
  'applicantOtherOrg',
  'panelOnRound',
  'panelOffRound',
  'staff',
  'auditor',
] as const;
type Caller = (typeof CALLERS)[number];

const OWN_ORG = 'org-a';
const OTHER_ORG = 'org-b';
const PANEL_ON = 'panel-on';
const PANEL_OFF = 'panel-off';

/** An exact status, or "allowed": any 2xx (and 409 only where `conflictIsAllowed`). */
type Expected = number | 'allowed';

interface Target {
  path: string;
  body?: object;
}

interface RouteSpec {
  /** The concrete request this caller sends (fixtures are read lazily, after beforeAll). */
  target: (caller: Caller) => Target;
  expect: Record<Caller, Expected>;
  /** An allowed caller may meet a state conflict here: 409 still proves authorisation passed. */
  conflictIsAllowed?: boolean;
}

const everyone = (status: number): Record<Caller, Expected> =>
  Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, Expected>;

/** Staff-only: 401 without a token, 403 to every other role. */
const staffOnly = (status: number): Record<Caller, Expected> => ({
  anonymous: 401,
  applicantOwnOrg: 403,
  applicantOtherOrg: 403,
  panelOnRound: 403,
  panelOffRound: 403,
  staff: status,
  auditor: 403,
});

/** Auditors and staff read the history; nobody else sees it. */
const auditorsAndStaff = (status: number): Record<Caller, Expected> => ({ ...staffOnly(status), auditor: status });

/** Applicant acting on an application: own organisation only; another's is 404, never 403. */
const ownOrgApplicant = (status: number | 'allowed'): Record<Caller, Expected> => ({
  anonymous: 401,
  applicantOwnOrg: status,
  applicantOtherOrg: 404,
  panelOnRound: 403,
  panelOffRound: 403,
  staff: 403,
  auditor: 403,
});

/** Panel acting on an application: members of its round's panel; other panel members learn nothing (404). */
const roundPanel = (status: number | 'allowed'): Record<Caller, Expected> => ({
  anonymous: 401,
  applicantOwnOrg: 403,
  applicantOtherOrg: 403,
  panelOnRound: status,
  panelOffRound: 404,
  staff: 403,
  auditor: 403,
});

const SCORES = { need: 4, outcomes: 3, deliverability: 4, 'value-for-money': 3, sustainability: 5 };
const DAY = 24 * 3600 * 1000;

/** Fixtures that several callers share, and the per-caller ones for cells that change state. */
interface PerCaller {
  roundToReschedule: { id: string; closesAt: string };
  roundToCancel: string;
  roundForPanel: string;
  draftToEdit: string;
  draftToSubmit: string;
  submittedToWithdraw: string;
  submittedForConflict: string;
  submittedToScore: string;
  closedToAward: string;
  closedToDecline: string;
  /** Awarded grants: one per monitoring route, so each caller's cell starts from the same state. */
  grantForCheckIn: string;
  grantForReturn: string;
  grantForCaseStudy: string;
  grantForRag: string;
}

interface Fixtures {
  openRound: string;
  readableApplication: string;
  confirmToken: string;
  unsubscribeToken: string;
  perCaller: Record<Caller, PerCaller>;
}

let t: TestApp;
let tokens: Record<Exclude<Caller, 'anonymous'>, string>;
let fx: Fixtures;

const ROUTES: Record<string, RouteSpec> = {
  // --- public: everyone, with or without a token ---
  'GET /health': { target: () => ({ path: '/health' }), expect: everyone(200) },
  'GET /zones': { target: () => ({ path: '/zones' }), expect: everyone(200) },
  'GET /rounds': { target: () => ({ path: '/rounds' }), expect: everyone(200) },
  'GET /rounds/calendar.ics': { target: () => ({ path: '/rounds/calendar.ics' }), expect: everyone(200) },
  'GET /rounds/{id}': { target: () => ({ path: `/rounds/${fx.openRound}` }), expect: everyone(200) },
  'POST /subscriptions': {
    target: (c) => ({ path: '/subscriptions', body: { email: `${c.toLowerCase()}@example.org`, zones: ['bell-foundry'] } }),
    expect: everyone(202),
  },
  'GET /subscriptions/confirm': {
    target: () => ({ path: `/subscriptions/confirm?token=${encodeURIComponent(fx.confirmToken)}` }),
    expect: everyone(302),
  },
  'POST /subscriptions/confirm': {
    // Confirming twice is fine, so every caller can use the same real link.
    target: () => ({ path: `/subscriptions/confirm?token=${encodeURIComponent(fx.confirmToken)}` }),
    expect: everyone(200),
  },
  'GET /subscriptions/unsubscribe': {
    // Unsubscribing twice is fine, so every caller can use the same real link.
    target: () => ({ path: `/subscriptions/unsubscribe?token=${encodeURIComponent(fx.unsubscribeToken)}` }),
    expect: everyone(302),
  },
  'POST /subscriptions/unsubscribe': {
    target: () => ({ path: `/subscriptions/unsubscribe?token=${encodeURIComponent(fx.unsubscribeToken)}` }),
    expect: everyone(200),
  },
  'GET /open-data/360giving.json': { target: () => ({ path: '/open-data/360giving.json' }), expect: everyone(200) },
  'GET /open-data/360giving.csv': { target: () => ({ path: '/open-data/360giving.csv' }), expect: everyone(200) },

  // --- staff-only writes ---
  'POST /rounds': {
    target: () => {
      const opensAt = new Date(Date.now() + 40 * DAY);
      return {
        path: '/rounds',
        body: {
          name: 'Matrix round',
          financialYear: financialYearOf(opensAt),
          kind: 'standard',
          zones: ['bell-foundry'],
          themes: ['Pride of Place'],
          opensAt: opensAt.toISOString(),
          closesAt: new Date(opensAt.getTime() + 28 * DAY).toISOString(),
          budgetPence: 1_000_000,
        },
      };
    },
    expect: staffOnly(201),
  },
  'PATCH /rounds/{id}': {
    // closesAt is not tied to the financial year, so moving it a day later is always valid.
    target: (c) => {
      const round = fx.perCaller[c].roundToReschedule;
      return { path: `/rounds/${round.id}`, body: { closesAt: new Date(Date.parse(round.closesAt) + DAY).toISOString() } };
    },
    expect: staffOnly(200),
  },
  'POST /rounds/{id}/cancel': {
    target: (c) => ({ path: `/rounds/${fx.perCaller[c].roundToCancel}/cancel`, body: { reason: 'Budget withdrawn by the commissioner' } }),
    expect: staffOnly(200),
  },
  'PUT /rounds/{id}/panel': {
    target: (c) => ({ path: `/rounds/${fx.perCaller[c].roundForPanel}/panel`, body: { members: [PANEL_ON, 'panel-two'] } }),
    expect: staffOnly(200),
  },
  'POST /applications/{id}/award': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].closedToAward}/award`, body: { amountPence: 100_000 } }),
    expect: staffOnly(200),
  },
  'POST /applications/{id}/decline': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].closedToDecline}/decline`, body: { feedback: 'The budget was not clear enough.' } }),
    expect: staffOnly(200),
  },

  // --- ranking: staff and auditors (panel members score blind) ---
  'GET /rounds/{id}/ranking': {
    target: () => ({ path: `/rounds/${fx.openRound}/ranking` }),
    expect: {
      anonymous: 401,
      applicantOwnOrg: 403,
      applicantOtherOrg: 403,
      panelOnRound: 403,
      panelOffRound: 403,
      staff: 200,
      auditor: 200,
    },
  },

  // --- applicants ---
  'POST /rounds/{roundId}/applications': {
    // Any organisation may open a draft in an open round: both applicants are allowed here.
    target: () => ({ path: `/rounds/${fx.openRound}/applications`, body: applicationBody }),
    expect: { ...ownOrgApplicant(201), applicantOtherOrg: 201 },
  },
  'PATCH /applications/{id}': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].draftToEdit}`, body: { title: 'Bell Foundry Community Garden, phase 2' } }),
    expect: ownOrgApplicant(200),
  },
  'POST /applications/{id}/submit': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].draftToSubmit}/submit` }),
    expect: ownOrgApplicant(200),
  },
  'POST /applications/{id}/withdraw': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].submittedToWithdraw}/withdraw`, body: { reason: 'We found other funding' } }),
    expect: ownOrgApplicant(200),
  },

  // --- reads ---
  'GET /applications': {
    target: () => ({ path: '/applications' }),
    expect: { ...everyone(200), anonymous: 401 },
  },
  'GET /applications/{id}': {
    target: () => ({ path: `/applications/${fx.readableApplication}` }),
    expect: {
      anonymous: 401,
      applicantOwnOrg: 200,
      applicantOtherOrg: 404,
      panelOnRound: 200,
      panelOffRound: 404,
      staff: 200,
      auditor: 200,
    },
  },

  'POST /applications/{id}/accept': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].grantForCheckIn}/accept`, body: {} }),
    expect: ownOrgApplicant(200),
  },

  // --- monitoring: the grantee files, staff rate and watch ---
  'POST /applications/{id}/check-in': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].grantForCheckIn}/check-in`, body: { summary: 'Volunteers recruited', supportNeeded: 'none' } }),
    expect: ownOrgApplicant(201),
  },
  'POST /applications/{id}/monitoring-returns': {
    target: (c) => ({
      path: `/applications/${fx.perCaller[c].grantForReturn}/monitoring-returns`,
      body: { period: 'Quarter 1', spentPence: 5_000, beneficiaries: 20, progress: 'Weekly sessions running', onTrack: true },
    }),
    expect: ownOrgApplicant(201),
  },
  'POST /applications/{id}/case-study': {
    target: (c) => ({
      path: `/applications/${fx.perCaller[c].grantForCaseStudy}/case-study`,
      body: {
        title: 'A garden that grew a community',
        summary: 'Families built and now run the garden.',
        outcomes: 'Forty households took part.',
        beneficiaries: 40,
        lessons: 'Start earlier in the season.',
        sustainability: 'Plant sales fund next year.',
        consentToPublish: true,
      },
    }),
    expect: ownOrgApplicant(201),
  },
  'POST /applications/{id}/rag': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].grantForRag}/rag`, body: { rating: 'amber', reason: 'Steering group raised a concern' } }),
    expect: staffOnly(200),
  },
  'POST /applications/{id}/project-dates': {
    target: (c) => ({
      path: `/applications/${fx.perCaller[c].grantForRag}/project-dates`,
      body: { projectStart: '2024-10-01', projectEnd: '2027-09-30', reason: 'The hall opens a month late' },
    }),
    expect: staffOnly(200),
  },
  'GET /monitoring/rag': { target: () => ({ path: '/monitoring/rag' }), expect: staffOnly(200) },
  // A live grant has no case study yet: whoever may act is answered 409, everyone else as usual.
  'POST /applications/{id}/case-study/approve': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].grantForRag}/case-study/approve` }),
    expect: staffOnly(409),
  },
  'POST /applications/{id}/case-study/withdraw-consent': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].grantForRag}/case-study/withdraw-consent` }),
    expect: ownOrgApplicant(409),
  },

  // --- reports: staff and auditors ---
  'GET /reports/summary': {
    target: () => ({ path: `/reports/summary?financialYear=${financialYearOf(new Date())}` }),
    expect: { ...staffOnly(200), auditor: 200 },
  },

  // --- audit: read-only, for auditors and staff ---
  'GET /audit/streams/{streamId}': { target: () => ({ path: `/audit/streams/application-${fx.readableApplication}` }), expect: auditorsAndStaff(200) },
  'GET /audit/events': { target: () => ({ path: '/audit/events?limit=5' }), expect: auditorsAndStaff(200) },
  'GET /audit/applications/{id}/state': {
    target: () => ({ path: `/audit/applications/${fx.readableApplication}/state?at=${encodeURIComponent(new Date().toISOString())}` }),
    expect: auditorsAndStaff(200),
  },
  'GET /audit/applications/{id}/scoring-views': {
    target: () => ({ path: `/audit/applications/${fx.readableApplication}/scoring-views?member=${PANEL_ON}` }),
    expect: auditorsAndStaff(200),
  },
  'POST /audit/replay': { target: () => ({ path: '/audit/replay' }), expect: auditorsAndStaff(200) },
  'GET /audit/verify': { target: () => ({ path: '/audit/verify' }), expect: auditorsAndStaff(200) },

  // --- people: erasure requests, staff only ---
  'POST /people/lookup': { target: () => ({ path: '/people/lookup', body: { email: 'amy@org-a.example' } }), expect: staffOnly(200) },
  // An unknown person: staff get 404, which still shows authorisation passed.
  'POST /people/{id}/erase': { target: () => ({ path: `/people/person-${'0'.repeat(32)}/erase`, body: { reason: 'Erasure request' } }), expect: staffOnly(404) },

  // --- operations: background jobs, for staff on call ---
  'GET /operations/health': { target: () => ({ path: '/operations/health' }), expect: staffOnly(200) },
  'GET /operations/jobs': { target: () => ({ path: '/operations/jobs?state=failed' }), expect: staffOnly(200) },
  // No job has failed here, so staff get a 404 for an unknown id: authorisation still passed.
  'POST /operations/jobs/{id}/retry': { target: () => ({ path: '/operations/jobs/no-such-job/retry' }), expect: staffOnly(404) },

  // --- panel ---
  'POST /applications/{id}/conflicts': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].submittedForConflict}/conflicts`, body: { reason: 'I am a trustee of the applicant' } }),
    expect: roundPanel('allowed'),
  },
  'PUT /applications/{id}/scores': {
    target: (c) => ({ path: `/applications/${fx.perCaller[c].submittedToScore}/scores`, body: { scores: SCORES, comment: 'Strong local support.' } }),
    expect: roundPanel(200),
  },
};

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];

function send(method: string, target: Target, caller: Caller) {
  const agent = request(t.http);
  const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let req = agent[verb](target.path);
  if (caller !== 'anonymous') req = req.set(bearer(tokens[caller]));
  if (target.body !== undefined) req = req.send(target.body);
  return req;
}

async function draftOf(org: string, roundId: string): Promise<string> {
  const applicant = t.token({ role: 'applicant', sub: `user-${org}`, org, email: `${org}@example.org` });
  const res = await request(t.http).post(`/rounds/${roundId}/applications`).set(bearer(applicant)).send(applicationBody).expect(201);
  return res.body.id;
}

describe('Authorisation matrix: every route x every caller', () => {
  beforeAll(async () => {
    t = await startTestApp();
    tokens = {
      applicantOwnOrg: t.token({ role: 'applicant', sub: 'amy', org: OWN_ORG, email: 'amy@org-a.example' }),
      applicantOtherOrg: t.token({ role: 'applicant', sub: 'oscar', org: OTHER_ORG, email: 'oscar@org-b.example' }),
      panelOnRound: t.token({ role: 'panel', sub: PANEL_ON }),
      panelOffRound: t.token({ role: 'panel', sub: PANEL_OFF }),
      staff: t.token({ role: 'staff', sub: 'staff-1' }),
      auditor: t.token({ role: 'auditor', sub: 'auditor-1' }),
    };

    // A round that closes shortly: its applications are submitted now and decided once it has closed.
    const closing = await scheduleRound(t, { closesInMs: 4000, panel: [PANEL_ON] });
    const closedToAward = {} as Record<Caller, string>;
    const closedToDecline = {} as Record<Caller, string>;
    const toMonitor = {} as Record<Caller, string[]>;
    // All sent at once (their appends commit together), so a busy machine still sends them before the close.
    await Promise.all(
      CALLERS.map(async (c) => {
        [closedToAward[c], closedToDecline[c]] = await Promise.all([openAndSubmit(t, closing.id, OWN_ORG), openAndSubmit(t, closing.id, OWN_ORG)]);
        toMonitor[c] = await Promise.all(Array.from({ length: 4 }, () => openAndSubmit(t, closing.id, OWN_ORG, { requestedPence: 10_000 })));
      }),
    );

    const open = await scheduleRound(t, { panel: [PANEL_ON] });
    const readableApplication = await openAndSubmit(t, open.id, OWN_ORG);

    const perCaller = {} as Record<Caller, PerCaller>;
    for (const c of CALLERS) {
      const future = { opensInMs: 60 * DAY, closesInMs: 90 * DAY };
      perCaller[c] = {
        roundToReschedule: await scheduleRound(t, future),
        roundToCancel: (await scheduleRound(t, future)).id,
        roundForPanel: (await scheduleRound(t, { ...future, panel: [PANEL_ON] })).id,
        draftToEdit: await draftOf(OWN_ORG, open.id),
        draftToSubmit: await draftOf(OWN_ORG, open.id),
        submittedToWithdraw: await openAndSubmit(t, open.id, OWN_ORG),
        submittedForConflict: await openAndSubmit(t, open.id, OWN_ORG),
        submittedToScore: await openAndSubmit(t, open.id, OWN_ORG),
        closedToAward: closedToAward[c],
        closedToDecline: closedToDecline[c],
        grantForCheckIn: toMonitor[c][0],
        grantForReturn: toMonitor[c][1],
        grantForCaseStudy: toMonitor[c][2],
        grantForRag: toMonitor[c][3],
      };
    }

    const { confirmToken, unsubscribeToken } = await subscribeConfirmed(t, 'resident@example.org');

    fx = { openRound: open.id, readableApplication, confirmToken, unsubscribeToken, perCaller };
    await waitUntilPast(closing.closesAt);
    for (const c of CALLERS) {
      for (const id of toMonitor[c]) {
        await request(t.http).post(`/applications/${id}/award`).set(bearer(tokens.staff)).send({ amountPence: 10_000 }).expect(200);
      }
    }
  });
  afterAll(async () => t?.close());

  it('covers every route the app exposes, and no route it does not', async () => {
    const doc = await request(t.http).get('/docs/openapi.json').expect(200);
    const exposed = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) =>
        Object.keys(operations)
          .filter((m) => HTTP_METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    expect(exposed.length).toBeGreaterThan(0);
    const covered = Object.keys(ROUTES);
    expect({ notInMatrix: exposed.filter((r) => !covered.includes(r)) }).toEqual({ notInMatrix: [] });
    expect({ notExposed: covered.filter((r) => !exposed.includes(r)) }).toEqual({ notExposed: [] });
  });

  it('covers every route the HTTP server routes, including any left out of the OpenAPI document', () => {
    // Every route Fastify was given; a route hidden from Swagger still shows up here.
    const routed = t.routes
      .filter((route) => !route.split(' ')[1].startsWith('/docs') && HTTP_METHODS.includes(route.split(' ')[0].toLowerCase()))
      .map((route) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}'));
    expect(routed.length).toBeGreaterThan(0);
    const covered = Object.keys(ROUTES);
    expect({ notInMatrix: [...new Set(routed)].filter((r) => !covered.includes(r)).sort() }).toEqual({ notInMatrix: [] });
  });

  const cells = Object.entries(ROUTES).flatMap(([route, spec]) =>
    CALLERS.map((caller) => ({ route, caller, spec, expected: spec.expect[caller] })),
  );

  it.each(cells)('$route as $caller -> $expected', async ({ route, caller, spec, expected }) => {
    const [method] = route.split(' ');
    const res = await send(method, spec.target(caller), caller);
    const seen = `${route} as ${caller}: ${res.status} ${JSON.stringify(res.body?.message ?? '')}`;
    if (expected === 'allowed') {
      const ok = (res.status >= 200 && res.status < 300) || (spec.conflictIsAllowed === true && res.status === 409);
      expect({ allowed: ok, seen }).toEqual({ allowed: true, seen });
    } else {
      expect({ status: res.status, seen }).toEqual({ status: expected, seen });
    }
  });

  it('GET /applications lists only what each caller may see', async () => {
    const list = async (caller: Exclude<Caller, 'anonymous'>) =>
      (await request(t.http).get('/applications').set(bearer(tokens[caller])).expect(200)).body as {
        id: string;
        org: string;
        status: string;
        roundId: string;
      }[];
    const own = await list('applicantOwnOrg');
    expect(own.map((a) => a.id)).toEqual(expect.arrayContaining([fx.readableApplication, fx.perCaller.staff.draftToEdit]));
    expect(own.filter((a) => a.org !== OWN_ORG)).toEqual([]);
    expect((await list('applicantOtherOrg')).filter((a) => a.org !== OTHER_ORG)).toEqual([]);
    expect(await list('panelOffRound')).toEqual([]);
    const panel = await list('panelOnRound');
    expect(panel.map((a) => a.id)).toContain(fx.readableApplication);
    expect(panel.filter((a) => a.status === 'draft' || a.status === 'withdrawn')).toEqual([]);
    for (const insider of ['staff', 'auditor'] as const) {
      expect((await list(insider)).map((a) => a.id)).toEqual(
        expect.arrayContaining([fx.readableApplication, fx.perCaller.staff.draftToEdit, fx.perCaller.auditor.closedToAward]),
      );
    }
  });

  describe('tokens that must not authenticate', () => {
    const jwt = new JwtService();
    const claims = { roles: ['staff'] };
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = () => Math.floor(Date.now() / 1000);

    /** A protected read that a valid staff token passes: each bad token below must get 401 on it. */
    const probe = (token: string) => request(t.http).get('/applications').set(bearer(token));

    it('a valid staff token passes the probe route (so the 401s below are about the token)', async () => {
      await probe(tokens.staff).expect(200);
    });

    it('an unsigned token (alg: none) is refused', async () => {
      const payload = b64({ sub: 'staff-1', ...claims, iat: now(), exp: now() + 3600 });
      for (const token of [`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, `${b64({ alg: 'none' })}.${payload}`]) {
        await probe(token).expect(401);
        const write = ROUTES['POST /rounds'].target('staff');
        await request(t.http).post(write.path).set(bearer(token)).send(write.body).expect(401);
      }
    });

    it('a token signed with another key is refused', async () => {
      const token = jwt.sign(claims, { secret: `${TEST_SECRET}-but-not-quite`, algorithm: 'HS256', subject: 'staff-1', expiresIn: '1h' });
      await probe(token).expect(401);
    });

    it('an expired token is refused', async () => {
      const token = jwt.sign({ ...claims, iat: now() - 7200, exp: now() - 60 }, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'staff-1' });
      await probe(token).expect(401);
    });

    it('a token that never expires, or lives longer than AUTH_JWT_MAX_AGE, is refused', async () => {
      const forever = jwt.sign(claims, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'staff-1' });
      const year9999 = jwt.sign({ ...claims, iat: now(), exp: Date.UTC(9999, 0, 1) / 1000 }, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'staff-1' });
      const twoDays = jwt.sign(claims, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'staff-1', expiresIn: '2d' });
      for (const token of [forever, year9999, twoDays]) await probe(token).expect(401);
    });

    it('a token issued in the future is refused', async () => {
      const ahead = now() + 3600;
      await probe(jwt.sign({ ...claims, iat: ahead, exp: ahead + 600 }, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'staff-1' })).expect(401);
      await probe(jwt.sign({ ...claims, iat: now(), nbf: ahead, exp: ahead + 600 }, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'staff-1' })).expect(401);
    });

    it('an applicant token without an organisation is refused', async () => {
      const noOrg = t.token({ role: 'applicant', sub: 'no-org', email: 'no-org@example.org' });
      await probe(noOrg).expect(401);
      await request(t.http).post(`/rounds/${fx.openRound}/applications`).set(bearer(noOrg)).send(applicationBody).expect(401);
    });

    it('public routes still answer a caller whose token is bad', async () => {
      const expired = jwt.sign({ ...claims, iat: now() - 7200, exp: now() - 60 }, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'staff-1' });
      await request(t.http).get('/rounds').set(bearer(expired)).expect(200);
      await request(t.http).get(`/rounds/${fx.openRound}`).set(bearer('not-a-jwt')).expect(200);
    });
  });
});
