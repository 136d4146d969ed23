/**
 * Issue 14: what the web pages cost, against the JSON API on the same data in the same server.
 *
 *   funding   GET /funding as a browser asks for it (HTML, brotli): the calendar of every round,
 *             rendered from the read model through Nunjucks and the GOV.UK macros, compressed
 *   rounds    GET /rounds: the same rounds as JSON (the baseline)
 *
 *   my        GET /my signed in (issue 16): a group's 50 applications with status, key dates and
 *             what is due next, against GET /applications (JSON) for the same group
 *   application  GET /my/applications/:id against GET /applications/:id
 *
 *   ranking   GET /staff/rounds/:id/ranking signed in as staff (issue 17): the first 50 rows of a
 *             round of 200 applications, each scored by the 7 members of its panel (added on the
 *             staff page by email), with their names, the mean and the spread, against
 *             GET /rounds/:id/ranking (JSON, every row) for the same round
 *
 *   ragBoard  GET /staff/grants signed in as staff (issue 18): a page of 50 of GRANTS live grants
 *             (500; 100 in quick mode), worst first, with its chart, against GET /monitoring/rag
 *   awards    GET /awards (issue 18): every award's figures and charts and a page of 50 awards,
 *             against GET /open-data/360giving.json
 *
 * Runs in turn: rounds, funding, rounds, funding (and the same for each applicant pair); a ratio is
 * the page's mean to its JSON's. Then one connection alone renders /funding to give the time of
 * one render, and every page is weighed as a browser downloads it: its HTML plus the stylesheet,
 * script and icon it loads, compressed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { financialYearOf } from '@pz/rounds/domain';
import { flag, log, option, report } from '../lib/child';
import { measureLoad } from '../lib/load';
import { call, RunningServer, startServer } from '../lib/server';
import { registerGroup, signedInCookie } from '../lib/session';
import { seedGrants } from './pages-grants';
import { applicationBody } from '../../test/support/application-body';

const quick = flag('quick');
const SECONDS = option('seconds', quick ? 2 : 8);
const CONNECTIONS = option('connections', 32);
const ROUNDS = option('rounds', 30);
const APPLICATIONS = option('applications', 50);
const RANKED = option('ranked', 200);
const MEMBERS = 7;
const OFFICER = 'bench.officer@example.org';
const GRANTS = option('grants', quick ? 100 : 500);
const BROWSER = { accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'br, gzip' };

async function seed(server: RunningServer): Promise<string[]> {
  const staff = server.token({ roles: ['staff'], sub: 'bench-staff' });
  const now = Date.now();
  const ids: string[] = [];
  // Three a year, some open, most to come: a calendar as long as a few years of rounds.
  for (let i = 0; i < ROUNDS; i++) {
    const opensAt = new Date(now + (i - 2) * 120 * 86_400_000);
    const round = await call<{ id: string }>(server, 'POST', '/rounds', staff, {
      name: `Round ${i + 1}`,
      financialYear: financialYearOf(opensAt),
      kind: i % 4 === 3 ? 'collaborative' : 'standard',
      zones: ['bell-foundry', 'new-parks', 'thringstone-whitwick'].slice(0, 1 + (i % 3)),
      themes: ['Pride of Place', 'Community Safety', 'Health and Wellbeing'],
      opensAt: opensAt.toISOString(),
      closesAt: new Date(opensAt.getTime() + 42 * 86_400_000).toISOString(),
      budgetPence: 4_000_000 + i * 100_000,
    });
    ids.push(round.id);
  }
  return ids;
}

/** A group with APPLICATIONS bids in the open round, half of them sent; its signed-in member's cookie and token. */
async function seedApplicant(server: RunningServer, roundId: string, outboxDir: string) {
  const email = 'bench.volunteer@example.org';
  const cookie = await signedInCookie(server, email, outboxDir);
  const org = await registerGroup(server, cookie, 'Bench Residents Association');
  const token = server.token({ roles: ['applicant'], sub: 'bench-volunteer', org, email });
  const ids: string[] = [];
  for (let i = 0; i < APPLICATIONS; i++) {
    const opened = await call<{ id: string }>(server, 'POST', `/rounds/${roundId}/applications`, token, {
      title: `Community project ${i + 1}`,
      zone: 'bell-foundry',
      theme: 'Pride of Place',
      summary: 'Families and neighbours turn a disused plot into a garden, with weekly sessions.',
      requestedPence: 300_000 + i * 1_000,
      projectStart: '2030-09-01',
      projectEnd: '2031-08-31',
      sustainability: 'Volunteers trained in year one keep it going.',
    });
    if (i % 2 === 0) await call(server, 'POST', `/applications/${opened.id}/submit`, token);
    ids.push(opened.id);
  }
  return { cookie, token, sent: ids[0], draft: ids[1] };
}

/** Bytes a browser downloads for a page: its HTML and every asset it links, as sent (brotli). */
async function weigh(server: RunningServer, path: string, cookie = ''): Promise<{ path: string; bytes: number; html: number }> {
  const page = await fetch(`${server.url}${path}`, { headers: { ...BROWSER, cookie } });
  const html = Buffer.from(await page.arrayBuffer());
  // fetch has already decompressed it: compress again the way the server does to count what was sent.
  const sent = Number(page.headers.get('content-length') ?? 0) || (await sentSize(server, path, cookie));
  const assets = [...html.toString().matchAll(/(?:href|src|from)\s*=?\s*"(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  let bytes = sent;
  for (const asset of new Set(assets)) bytes += await sentSize(server, asset);
  return { path, bytes, html: sent };
}

/** The size on the wire of one answer, read with a raw request so nothing decompresses it. */
async function sentSize(server: RunningServer, path: string, cookie = ''): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(`${server.url}${path}`, { headers: { ...BROWSER, ...(cookie ? { cookie } : {}) } }, (res) => {
      let size = 0;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        chunks.push(chunk);
      });
      res.on('end', () => {
        // Sanity: what was sent decompresses (it was really compressed, not counted raw).
        if (res.headers['content-encoding'] === 'br') brotliDecompressSync(Buffer.concat(chunks));
        resolve(size);
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** A staff page's form sent as a browser sends it: its CSRF token from the page, the session cookie. */
async function staffForm(server: RunningServer, cookie: string, page: string, action: string, form: Record<string, string>): Promise<number> {
  const html = await (await fetch(`${server.url}${page}`, { headers: { ...BROWSER, cookie } })).text();
  const revision = /name="revision" value="(\d+)"/.exec(html)?.[1] ?? '';
  const res = await fetch(`${server.url}${action}`, {
    method: 'POST',
    headers: { ...BROWSER, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1], revision, ...form }).toString(),
    redirect: 'manual',
  });
  return res.status;
}

/** Runs `work` over `items`, `width` at a time: the seeding is many small requests. */
async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

/** A round of RANKED sent applications, each scored by the MEMBERS of its panel, added on the staff page by email. */
async function seedRanking(server: RunningServer, cookie: string): Promise<string> {
  const staff = server.token({ roles: ['staff'], sub: 'bench-staff' });
  const now = Date.now();
  const round = await call<{ id: string }>(server, 'POST', '/rounds', staff, {
    name: 'Ranking round',
    financialYear: financialYearOf(new Date(now - 60_000)),
    kind: 'standard',
    zones: ['bell-foundry'],
    themes: ['Pride of Place'],
    opensAt: new Date(now - 60_000).toISOString(),
    closesAt: new Date(now + 30 * 86_400_000).toISOString(),
    budgetPence: 100_000_000,
  });
  const page = `/staff/rounds/${round.id}`;
  for (let m = 1; m <= MEMBERS; m++) {
    const status = await staffForm(server, cookie, page, `${page}/panel`, { email: `bench.member.${m}@example.org` });
    if (status !== 303) throw new Error(`adding a panel member: ${status}`);
  }
  const html = await (await fetch(`${server.url}${page}`, { headers: { ...BROWSER, cookie } })).text();
  const members = [...html.matchAll(/name="member" value="([^"]+)"/g)].map((m) => m[1]);
  if (members.length !== MEMBERS) throw new Error(`the panel has ${members.length} members`);
  const ids: string[] = [];
  await inBatches([...Array(RANKED).keys()], 16, async (i) => {
    const applicant = server.token({ roles: ['applicant'], sub: `bench-ranked-${i}`, org: `bench-ranked-org-${i}`, email: `ranked.${i}@example.org` });
    const opened = await call<{ id: string }>(server, 'POST', `/rounds/${round.id}/applications`, applicant, { ...applicationBody, title: `Application ${i + 1}` });
    await call(server, 'POST', `/applications/${opened.id}/submit`, applicant);
    ids.push(opened.id);
  });
  await inBatches(ids.flatMap((id, i) => members.map((member, m) => ({ id, member, s: 1 + ((i + m) % 5) }))), 16, ({ id, member, s }) =>
    call(server, 'PUT', `/applications/${id}/scores`, server.token({ roles: ['panel'], sub: member }), {
      scores: { need: s, outcomes: 5 - s, deliverability: s, 'value-for-money': 3, sustainability: (s * 2) % 6 },
      comment: 'Scored by the benchmark',
    }),
  );
  return round.id;
}

async function main(): Promise<void> {
  const outboxDir = mkdtempSync(join(tmpdir(), 'pz-bench-outbox-'));
  const server = await startServer({ OUTBOX_DIR: outboxDir, ADMIN_EMAILS: OFFICER });
  try {
    const roundIds = await seed(server);
    // The third round opens now: the one still taking applications.
    const applicant = await seedApplicant(server, roundIds[2], outboxDir);
    const signedIn = { ...BROWSER, cookie: applicant.cookie };
    const officer = await signedInCookie(server, OFFICER, outboxDir);
    const rankingRound = await seedRanking(server, officer);
    const staffBearer = { authorization: `Bearer ${server.token({ roles: ['staff'], sub: 'bench-staff' })}` };
    const bearerOf = { authorization: `Bearer ${applicant.token}` };
    const routes = {
      rounds: () => ({ method: 'GET' as const, path: '/rounds' }),
      funding: () => ({ method: 'GET' as const, path: '/funding', headers: BROWSER }),
      myJson: () => ({ method: 'GET' as const, path: '/applications', headers: bearerOf }),
      my: () => ({ method: 'GET' as const, path: '/my', headers: signedIn }),
      applicationJson: () => ({ method: 'GET' as const, path: `/applications/${applicant.sent}`, headers: bearerOf }),
      application: () => ({ method: 'GET' as const, path: `/my/applications/${applicant.sent}`, headers: signedIn }),
      rankingJson: () => ({ method: 'GET' as const, path: `/rounds/${rankingRound}/ranking`, headers: staffBearer }),
      ranking: () => ({ method: 'GET' as const, path: `/staff/rounds/${rankingRound}/ranking`, headers: { ...BROWSER, cookie: officer } }),
    };
    const rankingPage = await (await fetch(`${server.url}/staff/rounds/${rankingRound}/ranking`, { headers: { ...BROWSER, cookie: officer } })).text();
    const rankingRows = (rankingPage.match(/<tr class="govuk-table__row">/g) ?? []).length - 1;
    if (rankingRows !== Math.min(50, RANKED)) throw new Error(`the ranking page has ${rankingRows} rows`);
    for (const route of Object.values(routes)) await measureLoad(server.url, 1, CONNECTIONS, route);
    const runs: Record<keyof typeof routes, number[]> = { rounds: [], funding: [], myJson: [], my: [], applicationJson: [], application: [], rankingJson: [], ranking: [] };
    const order: (keyof typeof routes)[] = ['rounds', 'funding', 'rounds', 'funding', 'myJson', 'my', 'myJson', 'my', 'applicationJson', 'application', 'applicationJson', 'application', 'rankingJson', 'ranking', 'rankingJson', 'ranking'];
    for (const name of order) {
      const r = await measureLoad(server.url, SECONDS, CONNECTIONS, routes[name]);
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      runs[name].push(r.requestsPerSecond);
      log(`${name}: ${Math.round(r.requestsPerSecond)} req/s, p99 ${r.p99} ms`);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // One connection, one render at a time: the time a visitor waits for the page to be made.
    const single = await measureLoad(server.url, SECONDS, 1, routes.funding);
    const pages = ['/', '/funding', `/funding/${roundIds[0]}`, '/guidance', '/eligibility', '/eligibility/zone', '/eligibility/result?zone=bell-foundry&group=community&local=yes', '/alerts', '/accessibility', '/privacy', '/cookies', '/sign-in'];
    const weights = [];
    for (const path of pages) weights.push(await weigh(server, path));
    for (const path of ['/my', `/my/applications/${applicant.sent}`, `/my/applications/${applicant.draft}`, `/my/applications/${applicant.draft}/answers/about`, '/account']) weights.push(await weigh(server, path, applicant.cookie));
    weights.sort((a, b) => b.bytes - a.bytes);
    log(`heaviest page: ${weights[0].path}, ${weights[0].bytes} bytes with its assets (HTML ${weights[0].html})`);

    // Issue 18: the RAG board and the public record against their JSON, on live grants of their own.
    await seedGrants(server, GRANTS);
    const grantRoutes = {
      ragJson: () => ({ method: 'GET' as const, path: '/monitoring/rag', headers: staffBearer }),
      ragBoard: () => ({ method: 'GET' as const, path: '/staff/grants', headers: { ...BROWSER, cookie: officer } }),
      awardsJson: () => ({ method: 'GET' as const, path: '/open-data/360giving.json' }),
      awards: () => ({ method: 'GET' as const, path: '/awards', headers: BROWSER }),
    };
    const board = await fetch(`${server.url}/staff/grants`, { headers: { ...BROWSER, cookie: officer } });
    const boardHtml = await board.text();
    if (board.status !== 200 || !boardHtml.includes(`${GRANTS} live grants`)) throw new Error(`/staff/grants answered ${board.status} without ${GRANTS} live grants`);
    for (const route of Object.values(grantRoutes)) await measureLoad(server.url, 1, CONNECTIONS, route);
    const grantRuns: Record<keyof typeof grantRoutes, number[]> = { ragJson: [], ragBoard: [], awardsJson: [], awards: [] };
    for (const name of ['ragJson', 'ragBoard', 'ragJson', 'ragBoard', 'awardsJson', 'awards', 'awardsJson', 'awards'] as const) {
      const r = await measureLoad(server.url, SECONDS, CONNECTIONS, grantRoutes[name]);
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      grantRuns[name].push(r.requestsPerSecond);
      log(`${name}: ${Math.round(r.requestsPerSecond)} req/s, p99 ${r.p99} ms`);
    }
    report({
      rounds: ROUNDS,
      applications: APPLICATIONS,
      connections: CONNECTIONS,
      roundsPerSecond: mean(runs.rounds),
      fundingPerSecond: mean(runs.funding),
      myJsonPerSecond: mean(runs.myJson),
      myPerSecond: mean(runs.my),
      applicationJsonPerSecond: mean(runs.applicationJson),
      applicationPerSecond: mean(runs.application),
      rankingApplications: RANKED,
      rankingMembers: MEMBERS,
      rankingRows,
      rankingJsonPerSecond: mean(runs.rankingJson),
      rankingPerSecond: mean(runs.ranking),
      microsecondsPerRender: 1e6 / single.requestsPerSecond,
      heaviestPage: weights[0].path.replace(/[0-9a-f-]{36}/g, ':id'),
      heaviestPageBytes: weights[0].bytes,
      heaviestHtmlBytes: weights[0].html,
      grants: GRANTS,
      ragBoardPerSecond: mean(grantRuns.ragBoard),
      ragJsonPerSecond: mean(grantRuns.ragJson),
      awardsPerSecond: mean(grantRuns.awards),
      awardsJsonPerSecond: mean(grantRuns.awardsJson),
    });
  } finally {
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
