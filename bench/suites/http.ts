/**
 * Item 5: HTTP throughput and latency against the running service, with autocannon (64
 * connections) in this process and the server in its own.
 *
 *   ceiling   GET /zones: public, a constant answer: what Nest + Fastify + our global guard,
 *             interceptors, helmet, CORS and request logging cost with nothing behind them
 *   scores    PUT /applications/:id/scores as panel members: auth, validation, the command
 *             (read + fold two streams, decide, append with group commit), waiting for the
 *             projection (read-your-writes), the answer; spread over many applications and
 *             members so one stream's queue is not what is measured
 *   get       GET /applications/:id as staff: auth, a read-model lookup, presenting the view
 *
 * Runs in turn: ceiling, scores, get, ceiling; each route's ratio is to the mean ceiling.
 */
import autocannon from 'autocannon';
import { financialYearOf } from '@pz/rounds/domain';
import { applicationBody } from '../../test/support/application-body';
import { flag, log, option, report, textOption } from '../lib/child';
import { Measured, measureLoad } from '../lib/load';
import { call, RunningServer, startServer } from '../lib/server';

const quick = flag('quick');
const SECONDS = option('seconds', quick ? 3 : 10);
const CONNECTIONS = option('connections', 64);
const APPLICATIONS = option('applications', quick ? 100 : 1000);
const MEMBERS = 8;

async function seed(server: RunningServer): Promise<{ applications: string[]; members: string[] }> {
  const staff = server.token({ roles: ['staff'], sub: 'bench-staff' });
  const members = Array.from({ length: MEMBERS }, (_, i) => `bench-panel-${i}`);
  const now = Date.now();
  const round = await call<{ id: string }>(server, 'POST', '/rounds', staff, {
    name: 'Benchmark round',
    financialYear: financialYearOf(new Date(now - 60_000)),
    kind: 'standard',
    zones: ['bell-foundry', 'new-parks'],
    themes: ['Pride of Place', 'Community Safety'],
    opensAt: new Date(now - 60_000).toISOString(),
    closesAt: new Date(now + 6 * 3_600_000).toISOString(),
    budgetPence: 40_000_000,
  });
  await call(server, 'PUT', `/rounds/${round.id}/panel`, staff, { members });
  const applications: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = next++; i < APPLICATIONS; i = next++) {
        const org = `bench-org-${i}`;
        const applicant = server.token({ roles: ['applicant'], sub: `user-${org}`, org, email: `${org}@example.org` });
        const opened = await call<{ id: string }>(server, 'POST', `/rounds/${round.id}/applications`, applicant, applicationBody);
        await call(server, 'POST', `/applications/${opened.id}/submit`, applicant);
        applications.push(opened.id);
      }
    }),
  );
  return { applications, members };
}

function load(server: RunningServer, seconds: number, request: () => autocannon.Request): Promise<Measured> {
  return measureLoad(server.url, seconds, CONNECTIONS, request);
}

async function main(): Promise<void> {
  const nodeArgs = textOption('server-node-args', '').split(' ').filter(Boolean);
  const server = await startServer({}, nodeArgs);
  try {
    // --only <route>: one route alone, for profiling the server under that load.
    const only = textOption('only', '');
    // The ceiling needs no data (and a bare server could not take it).
    const { applications, members } = only === 'ceiling' ? { applications: [], members: [] } : await seed(server);
    if (only !== 'ceiling') log(`seeded ${applications.length} submitted applications, ${members.length} panel members`);
    const staff = server.token({ roles: ['staff'], sub: 'bench-staff' });
    const panelTokens = members.map((m) => server.token({ roles: ['panel'], sub: m }));
    let n = 0;
    const routes: Record<string, () => autocannon.Request> = {
      ceiling: () => ({ method: 'GET', path: '/zones' }),
      scores: () => {
        const i = n++;
        const app = applications[i % applications.length];
        const member = Math.floor(i / applications.length) % members.length;
        return {
          method: 'PUT',
          path: `/applications/${app}/scores`,
          headers: { authorization: `Bearer ${panelTokens[member]}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            scores: { need: i % 6, outcomes: 3, deliverability: 4, 'value-for-money': 2, sustainability: 5 },
            comment: 'Clear local need; the budget could be clearer.',
          }),
        };
      },
      get: () => ({
        method: 'GET',
        path: `/applications/${applications[n++ % applications.length]}`,
        headers: { authorization: `Bearer ${staff}` },
      }),
    };
    // Warm the JIT on every route before anything is measured.
    for (const route of Object.keys(routes)) if (!only || route === only) await load(server, 1, routes[route]);
    const results: Record<string, Measured> = {};
    const plan = only ? ([[only, only]] as const) : ([['ceiling1', 'ceiling'], ['scores', 'scores'], ['get', 'get'], ['ceiling2', 'ceiling']] as const);
    for (const [name, route] of plan) {
      results[name] = await load(server, SECONDS, routes[route]);
      const r = results[name];
      log(`${name}: ${Math.round(r.requestsPerSecond)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
    }
    if (only) return report({ [only]: results[only] });
    report({
      seconds: SECONDS,
      connections: CONNECTIONS,
      applications: applications.length,
      ceiling: (results.ceiling1.requestsPerSecond + results.ceiling2.requestsPerSecond) / 2,
      ...results,
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
