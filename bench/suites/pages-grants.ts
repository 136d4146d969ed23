/**
 * Issue 18's pages against their JSON: live grants for the RAG board and awards for /awards,
 * made through the API (the staff member who reads the board signs in with bench/lib/session.ts).
 */
import { financialYearOf } from '@pz/rounds/domain';
import { applicationBody } from '../../test/support/application-body';
import { call, RunningServer } from '../lib/server';

const ZONES = ['bell-foundry', 'new-parks', 'thringstone-whitwick'];

/** A write that waits out the service's per-person write limit (seeding is one person's many writes). */
async function write<T>(server: RunningServer, method: string, path: string, token: string, body?: unknown): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call<T>(server, method, path, token, body);
    } catch (error) {
      if (!/: 429 /.test((error as Error).message) || attempt > 30) throw error;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
const THEMES = ['Pride of Place', 'Community Safety', 'Health and Wellbeing'];

/** `count` awarded, live grants in one round, some rated Red or Amber by staff. */
export async function seedGrants(server: RunningServer, count: number): Promise<void> {
  const staff = server.token({ roles: ['staff'], sub: 'bench-staff' });
  const now = Date.now();
  // Long enough to send every application; then it closes and they are awarded.
  const closesAt = new Date(now + 10_000 + count * 60);
  const round = await call<{ id: string }>(server, 'POST', '/rounds', staff, {
    name: 'Bench grants round',
    financialYear: financialYearOf(new Date(now)),
    kind: 'standard',
    zones: ZONES,
    themes: THEMES,
    opensAt: new Date(now - 60_000).toISOString(),
    closesAt: closesAt.toISOString(),
    budgetPence: count * 100_000,
  });
  const ids: string[] = [];
  for (let start = 0; start < count; start += 20) {
    const batch = Array.from({ length: Math.min(20, count - start) }, async (_, j) => {
      const i = start + j;
      const org = `bench-org-${i}`;
      const applicant = server.token({ roles: ['applicant'], sub: `bench-user-${i}`, org, email: `${org}@example.org` });
      const opened = await call<{ id: string }>(server, 'POST', `/rounds/${round.id}/applications`, applicant, {
        ...applicationBody,
        title: `Bench project ${i}`,
        zone: ZONES[i % ZONES.length],
        theme: THEMES[i % THEMES.length],
      });
      await call(server, 'POST', `/applications/${opened.id}/submit`, applicant);
      return opened.id;
    });
    ids.push(...(await Promise.all(batch)));
  }
  const wait = closesAt.getTime() - Date.now() + 50;
  if (wait < 0 && ids.length < count) throw new Error('The round closed before every application was sent');
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  // One at a time: every award draws on the same round's budget.
  for (const [i, id] of ids.entries()) {
    await write(server, 'POST', `/applications/${id}/award`, staff, { amountPence: 50_000 + (i % 7) * 1_000 });
    if (i % 7 === 0) await write(server, 'POST', `/applications/${id}/rag`, staff, { rating: 'red', reason: 'Bench: concern raised' });
    else if (i % 5 === 0) await write(server, 'POST', `/applications/${id}/rag`, staff, { rating: 'amber', reason: 'Bench: late return' });
  }
}
