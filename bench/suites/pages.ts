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

const quick = flag('quick');
const SECONDS = option('seconds', quick ? 2 : 8);
const CONNECTIONS = option('connections', 32);
const ROUNDS = option('rounds', 30);
const APPLICATIONS = option('applications', 50);
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

async function main(): Promise<void> {
  const outboxDir = mkdtempSync(join(tmpdir(), 'pz-bench-outbox-'));
  const server = await startServer({ OUTBOX_DIR: outboxDir });
  try {
    const roundIds = await seed(server);
    // The third round opens now: the one still taking applications.
    const applicant = await seedApplicant(server, roundIds[2], outboxDir);
    const signedIn = { ...BROWSER, cookie: applicant.cookie };
    const bearerOf = { authorization: `Bearer ${applicant.token}` };
    const routes = {
      rounds: () => ({ method: 'GET' as const, path: '/rounds' }),
      funding: () => ({ method: 'GET' as const, path: '/funding', headers: BROWSER }),
      myJson: () => ({ method: 'GET' as const, path: '/applications', headers: bearerOf }),
      my: () => ({ method: 'GET' as const, path: '/my', headers: signedIn }),
      applicationJson: () => ({ method: 'GET' as const, path: `/applications/${applicant.sent}`, headers: bearerOf }),
      application: () => ({ method: 'GET' as const, path: `/my/applications/${applicant.sent}`, headers: signedIn }),
    };
    for (const route of Object.values(routes)) await measureLoad(server.url, 1, CONNECTIONS, route);
    const runs: Record<keyof typeof routes, number[]> = { rounds: [], funding: [], myJson: [], my: [], applicationJson: [], application: [] };
    const order: (keyof typeof routes)[] = ['rounds', 'funding', 'rounds', 'funding', 'myJson', 'my', 'myJson', 'my', 'applicationJson', 'application', 'applicationJson', 'application'];
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
      microsecondsPerRender: 1e6 / single.requestsPerSecond,
      heaviestPage: weights[0].path.replace(/[0-9a-f-]{36}/g, ':id'),
      heaviestPageBytes: weights[0].bytes,
      heaviestHtmlBytes: weights[0].html,
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
