/**
 * Issue 14: what the web pages cost, against the JSON API on the same data in the same server.
 *
 *   funding   GET /funding as a browser asks for it (HTML, brotli): the calendar of every round,
 *             rendered from the read model through Nunjucks and the GOV.UK macros, compressed
 *   rounds    GET /rounds: the same rounds as JSON (the baseline)
 *
 * Runs in turn: rounds, funding, rounds, funding; the ratio is funding's mean to rounds'. Then one
 * connection alone renders /funding to give the time of one render, and every public page is
 * weighed as a browser downloads it: its HTML plus the stylesheet, script and icon it loads,
 * compressed.
 *
 * Issue 18, on GRANTS live grants (500; 100 in quick mode):
 *   ragBoard  GET /staff/grants with a staff session: a page of 50, worst first, with its chart
 *   ragJson   GET /monitoring/rag: every live grant as JSON (the baseline)
 *   awards    GET /awards: every award's figures, charts and a page of 50 awards
 *   awardsJson GET /open-data/360giving.json: every award as 360Giving JSON (the baseline)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { financialYearOf } from '@pz/rounds/domain';
import { flag, log, option, report } from '../lib/child';
import { measureLoad } from '../lib/load';
import { call, RunningServer, startServer } from '../lib/server';
import { seedGrants, signInCookie } from './pages-grants';

const quick = flag('quick');
const SECONDS = option('seconds', quick ? 2 : 8);
const CONNECTIONS = option('connections', 32);
const ROUNDS = option('rounds', 30);
const GRANTS = option('grants', quick ? 100 : 500);
const STAFF_EMAIL = 'bench.staff@example.org';
const BROWSER = { accept: 'text/html,application/xhtml+xml', 'accept-encoding': 'br, gzip' };

async function seed(server: RunningServer): Promise<string> {
  const staff = server.token({ roles: ['staff'], sub: 'bench-staff' });
  const now = Date.now();
  let first = '';
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
    first ||= round.id;
  }
  return first;
}

/** Bytes a browser downloads for a page: its HTML and every asset it links, as sent (brotli). */
async function weigh(server: RunningServer, path: string): Promise<{ path: string; bytes: number; html: number }> {
  const page = await fetch(`${server.url}${path}`, { headers: BROWSER });
  const html = Buffer.from(await page.arrayBuffer());
  // fetch has already decompressed it: compress again the way the server does to count what was sent.
  const sent = Number(page.headers.get('content-length') ?? 0) || (await sentSize(server, path));
  const assets = [...html.toString().matchAll(/(?:href|src|from)\s*=?\s*"(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  let bytes = sent;
  for (const asset of new Set(assets)) bytes += await sentSize(server, asset);
  return { path, bytes, html: sent };
}

/** The size on the wire of one answer, read with a raw request so nothing decompresses it. */
async function sentSize(server: RunningServer, path: string): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(`${server.url}${path}`, { headers: BROWSER }, (res) => {
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
  const outbox = mkdtempSync(join(tmpdir(), 'pz-bench-outbox-'));
  const server = await startServer({ OUTBOX_DIR: outbox, ADMIN_EMAILS: STAFF_EMAIL });
  try {
    const roundId = await seed(server);
    const routes = {
      rounds: () => ({ method: 'GET' as const, path: '/rounds' }),
      funding: () => ({ method: 'GET' as const, path: '/funding', headers: BROWSER }),
    };
    for (const route of Object.values(routes)) await measureLoad(server.url, 1, CONNECTIONS, route);
    const runs: Record<string, number[]> = { rounds: [], funding: [] };
    for (const name of ['rounds', 'funding', 'rounds', 'funding'] as const) {
      const r = await measureLoad(server.url, SECONDS, CONNECTIONS, routes[name]);
      if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      runs[name].push(r.requestsPerSecond);
      log(`${name}: ${Math.round(r.requestsPerSecond)} req/s, p99 ${r.p99} ms`);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // One connection, one render at a time: the time a visitor waits for the page to be made.
    const single = await measureLoad(server.url, SECONDS, 1, routes.funding);
    const pages = ['/', '/funding', `/funding/${roundId}`, '/guidance', '/eligibility', '/eligibility/zone', '/eligibility/result?zone=bell-foundry&group=community&local=yes', '/alerts', '/accessibility', '/privacy', '/cookies'];
    const weights = [];
    for (const path of pages) weights.push(await weigh(server, path));
    weights.sort((a, b) => b.bytes - a.bytes);
    log(`heaviest page: ${weights[0].path}, ${weights[0].bytes} bytes with its assets (HTML ${weights[0].html})`);

    // Issue 18: the RAG board and the public record against their JSON.
    await seedGrants(server, GRANTS);
    const cookie = await signInCookie(server, STAFF_EMAIL, outbox);
    const staff = server.token({ roles: ['staff'], sub: 'bench-staff' });
    const grantRoutes = {
      ragJson: () => ({ method: 'GET' as const, path: '/monitoring/rag', headers: { authorization: `Bearer ${staff}` } }),
      ragBoard: () => ({ method: 'GET' as const, path: '/staff/grants', headers: { ...BROWSER, cookie } }),
      awardsJson: () => ({ method: 'GET' as const, path: '/open-data/360giving.json' }),
      awards: () => ({ method: 'GET' as const, path: '/awards', headers: BROWSER }),
    };
    const board = await fetch(`${server.url}/staff/grants`, { headers: { ...BROWSER, cookie } });
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
      connections: CONNECTIONS,
      roundsPerSecond: mean(runs.rounds),
      fundingPerSecond: mean(runs.funding),
      microsecondsPerRender: 1e6 / single.requestsPerSecond,
      heaviestPage: weights[0].path,
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
    rmSync(outbox, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
