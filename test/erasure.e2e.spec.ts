import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { SubscriptionsQueries } from '@pz/subscriptions';
import { scheduleRound } from './support/journey';
import { applicationBody } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

describe('Right to erasure: POST /people/:id/erase', () => {
  let t: TestApp;
  let staff: string;
  const email = 'Jo.Bloggs@Residents.example';

  beforeEach(async () => {
    t = await startTestApp();
    staff = t.token({ role: 'staff', sub: 'staff-1' });
  });
  afterEach(async () => t.close());

  it("erases a person's data everywhere while history, replay and the hash chain still work", async () => {
    const round = await scheduleRound(t);
    const applicant = bearer(t.token({ role: 'applicant', sub: 'jo', org: 'org-jo' }));
    const app = (await request(t.http).post(`/rounds/${round.id}/applications`).set(applicant).send({ ...applicationBody, contactEmail: email }).expect(201)).body;
    await request(t.http).post('/subscriptions').send({ email, zones: [] }).expect(201);
    expect((await t.app.get(SubscriptionsQueries).activeFor(['bell-foundry'])).map((s) => s.email)).toEqual([email]);

    const found = (await request(t.http).post('/people/lookup').set(bearer(staff)).send({ email: '  jo.bloggs@residents.EXAMPLE ' }).expect(400)).body;
    expect(found.message.join()).toMatch(/email/);
    const lookup = (await request(t.http).post('/people/lookup').set(bearer(staff)).send({ email: 'jo.bloggs@residents.example' }).expect(200)).body;
    expect(lookup).toMatchObject({ personId: expect.stringMatching(/^person-[0-9a-f]{32}$/), known: true, erased: false });

    const erased = await request(t.http).post(`/people/${lookup.personId}/erase`).set(bearer(staff)).send({ reason: 'Request by email, ref 114' }).expect(200);
    expect(erased.body).toEqual({ personId: lookup.personId, erased: true, alreadyErased: false });

    // The API, the applicant's own view included, now shows the field as erased.
    expect((await request(t.http).get(`/applications/${app.id}`).set(bearer(staff)).expect(200)).body.contactEmail).toBe('[erased]');
    expect((await request(t.http).get(`/applications/${app.id}`).set(applicant).expect(200)).body.contactEmail).toBe('[erased]');
    expect((await t.app.get(SubscriptionsQueries).activeFor(['bell-foundry']))).toEqual([]);

    // Nothing readable is left in the log, the erasure itself is on record, and audit still works.
    const store = t.app.get<EventStore>(EVENT_STORE);
    const all = await store.readAll();
    expect(JSON.stringify(all).toLowerCase()).not.toContain('jo.bloggs');
    const record = await store.readStream(`person-${lookup.personId}`);
    expect(record.map((e) => e.type)).toEqual(['PersonalDataErased']);
    expect(record[0].metadata.actor).toEqual({ sub: 'staff-1', role: 'staff' });
    const auditor = bearer(t.token({ role: 'auditor', sub: 'a' }));
    expect((await request(t.http).get('/audit/verify').set(auditor).expect(200)).body.ok).toBe(true);
    expect((await request(t.http).post('/audit/replay').set(auditor).expect(200)).body.consistent).toBe(true);

    // Again: nothing more to do. Subscribing the address again records nothing (no key, no event).
    expect((await request(t.http).post(`/people/${lookup.personId}/erase`).set(bearer(staff)).send({ reason: 'again' }).expect(200)).body.alreadyErased).toBe(true);
    // (Only this person's stream is checked: the worker may record mail it sent before the erasure.)
    const subscriptionStream = `subscription-${lookup.personId}`;
    const before = (await store.readStream(subscriptionStream)).length;
    await request(t.http).post('/subscriptions').send({ email, zones: [] }).expect(201);
    expect((await store.readStream(subscriptionStream)).length).toBe(before);
    expect(before).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown person and refuses everyone but staff', async () => {
    await request(t.http).post(`/people/person-${'0'.repeat(32)}/erase`).set(bearer(staff)).send({ reason: 'x' }).expect(404);
    await request(t.http).post('/people/not-a-person/erase').set(bearer(staff)).send({ reason: 'x' }).expect(404);
    for (const role of ['applicant', 'panel', 'auditor'] as const) {
      await request(t.http).post(`/people/person-${'0'.repeat(32)}/erase`).set(bearer(t.token({ role, sub: 'x', org: 'o' }))).send({ reason: 'x' }).expect(403);
    }
    await request(t.http).post('/people/lookup').send({ email }).expect(401);
  });
});
