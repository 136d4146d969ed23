import request from 'supertest';
import { financialYearOf } from '@pz/rounds/domain';
import { applicationBody } from './application-body';
import { bearer, TestApp } from './test-app';

export { applicationBody, financialYearOf };

export interface RoundOptions {
  name?: string;
  opensInMs?: number;
  closesInMs?: number;
  budgetPence?: number;
  maxAwardPence?: number;
  kind?: 'standard' | 'collaborative';
  panel?: string[];
}

/** Schedules a round around "now" through the API and sets its panel. */
export async function scheduleRound(t: TestApp, options: RoundOptions = {}): Promise<{ id: string; closesAt: string }> {
  const staff = t.token({ role: 'staff', sub: 'staff-1' });
  const now = Date.now();
  const opensAt = new Date(now + (options.opensInMs ?? -60_000));
  const res = await request(t.http)
    .post('/rounds')
    .set(bearer(staff))
    .send({
      name: options.name ?? 'Journey round',
      financialYear: financialYearOf(opensAt),
      kind: options.kind ?? 'standard',
      zones: ['bell-foundry', 'new-parks'],
      themes: ['Pride of Place', 'Community Safety'],
      opensAt: opensAt.toISOString(),
      closesAt: new Date(now + (options.closesInMs ?? 3_600_000)).toISOString(),
      budgetPence: options.budgetPence ?? 4_000_000,
      ...(options.maxAwardPence ? { maxAwardPence: options.maxAwardPence } : {}),
    })
    .expect(201);
  if (options.panel) {
    await request(t.http).put(`/rounds/${res.body.id}/panel`).set(bearer(staff)).send({ members: options.panel }).expect(200);
  }
  return { id: res.body.id, closesAt: res.body.closesAt };
}

export async function openAndSubmit(
  t: TestApp,
  roundId: string,
  org: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const applicant = t.token({ role: 'applicant', sub: `user-${org}`, org, email: `${org}@example.org` });
  const opened = await request(t.http)
    .post(`/rounds/${roundId}/applications`)
    .set(bearer(applicant))
    .send({ ...applicationBody, ...overrides })
    .expect(201);
  await request(t.http).post(`/applications/${opened.body.id}/submit`).set(bearer(applicant)).expect(200);
  return opened.body.id;
}

export async function waitUntilPast(iso: string): Promise<void> {
  const ms = Date.parse(iso) - Date.now() + 20;
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
