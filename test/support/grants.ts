import request from 'supertest';
import { openAndSubmit, scheduleRound, waitUntilPast } from './journey';
import { bearer, TestApp } from './test-app';

/** Awarded grants for the staff, auditor and public pages, made through the JSON API. */
export interface Grants {
  roundId: string;
  /** org-a, Bell Foundry, Pride of Place: £3,000, rated Red by staff. */
  garden: string;
  /** org-b, New Parks, Community Safety: £1,500.50. */
  youthClub: string;
  /** org-b, Bell Foundry, Community Safety: £1,000, closed by its case study (consent given, not approved). */
  patrol: string;
  /** org-c: declined. */
  mural: string;
  /** When the garden was awarded (after it was sent, before it was rated). */
  gardenAwardedAt: string;
  /** The panel member who scored the garden twice (3s, then 4s) before the award. */
  panelMember: string;
}

const SCORES = (n: number) => ({ need: n, outcomes: n, deliverability: n, 'value-for-money': n, sustainability: n });

export async function awardGrants(t: TestApp): Promise<Grants> {
  const staff = t.token({ role: 'staff', sub: 'staff-1' });
  const panelMember = 'panel-member-1';
  const round = await scheduleRound(t, { name: 'Awards round', closesInMs: 5000, panel: [panelMember] });
  // Sent at once, so a machine busy with other test files still sends them all before the close.
  const [garden, youthClub, patrol, mural] = await Promise.all([
    openAndSubmit(t, round.id, 'org-a', { title: 'Bell Foundry Garden', requestedPence: 450_000 }),
    openAndSubmit(t, round.id, 'org-b', { title: 'Friday youth club', zone: 'new-parks', theme: 'Community Safety', requestedPence: 200_000 }),
    openAndSubmit(t, round.id, 'org-b', { title: 'Street pastors', theme: 'Community Safety', requestedPence: 120_000 }),
    openAndSubmit(t, round.id, 'org-c', { title: 'Mural' }),
  ]);
  const panel = t.token({ role: 'panel', sub: panelMember });
  await request(t.http).put(`/applications/${garden}/scores`).set(bearer(panel)).send({ scores: SCORES(3), comment: 'Promising, costs unclear' }).expect(200);
  await request(t.http).put(`/applications/${garden}/scores`).set(bearer(panel)).send({ scores: SCORES(4), comment: 'Costs now clear' }).expect(200);
  await waitUntilPast(round.closesAt);
  const award = async (id: string, amountPence: number) =>
    (await request(t.http).post(`/applications/${id}/award`).set(bearer(staff)).send({ amountPence }).expect(200)).body;
  const gardenAward = await award(garden, 300_000);
  await award(youthClub, 150_050);
  await award(patrol, 100_000);
  await request(t.http).post(`/applications/${mural}/decline`).set(bearer(staff)).send({ feedback: 'Budget unclear, sorry.' }).expect(200);
  await request(t.http).post(`/applications/${garden}/rag`).set(bearer(staff)).send({ rating: 'red', reason: 'Safeguarding concern at the venue' }).expect(200);
  await request(t.http)
    .post(`/applications/${patrol}/case-study`)
    .set(bearer(t.token({ role: 'applicant', sub: 'user-org-b', org: 'org-b' })))
    .send({
      title: 'Pastors on the street',
      summary: 'Volunteers walked the streets on Friday nights.',
      outcomes: 'Fewer calls to the police.',
      beneficiaries: 300,
      quote: 'We felt safer.',
      lessons: 'Recruit early.',
      sustainability: 'The churches carry it on.',
      consentToPublish: true,
    })
    .expect(201);
  return { roundId: round.id, garden, youthClub, patrol, mural, gardenAwardedAt: gardenAward.decidedAt, panelMember };
}
