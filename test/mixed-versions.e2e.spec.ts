import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

/**
 * During a rolling deploy an older build runs beside a newer one. A fact the older build does not
 * know must stop it deciding on that stream (it might award a bid the newer build withdrew),
 * with a clear answer to retry, never a TypeError and never a decision on part of the history.
 */
describe('An older build meeting a newer build’s events', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => t.close());

  it('refuses to decide on a stream holding an event type it does not know: 503, retry shortly, nothing written', async () => {
    const round = await scheduleRound(t, { closesInMs: 1200 });
    const id = await openAndSubmit(t, round.id, 'org-future');
    const store = t.app.get<EventStore>(EVENT_STORE);
    // As a newer build would record a withdrawal it models differently.
    await store.append(
      `application-${id}`,
      [
        {
          id: '0b7e2f8e-3c1d-4f5a-9b6c-7d8e9f0a1b2c',
          type: 'ApplicationWithdrawnByPartner',
          data: { applicationId: id, partner: 'Friends of the Park' },
          metadata: { actor: { sub: 'amy', role: 'applicant' }, occurredAt: new Date().toISOString(), correlationId: 'newer-build', causationId: null, schemaVersion: 2 },
        },
      ],
      'any',
    );
    await waitUntilPast(round.closesAt);
    const head = await store.headPosition();
    const staff = bearer(t.token({ role: 'staff', sub: 'staff-1' }));
    const award = await request(t.http).post(`/applications/${id}/award`).set(staff).send({ amountPence: 100_000 }).expect(503);
    expect(award.body).toMatchObject({ statusCode: 503, message: expect.stringMatching(/newer version of the service wrote this.*retry shortly/) });
    await request(t.http).post(`/applications/${id}/decline`).set(staff).send({ feedback: 'No' }).expect(503);
    const applicant = bearer(t.token({ role: 'applicant', sub: 'u', org: 'org-future', email: 'org-future@example.org' }));
    await request(t.http).post(`/applications/${id}/withdraw`).set(applicant).send({}).expect(503);
    expect(await store.headPosition()).toBe(head);
    expect((await request(t.http).get(`/rounds/${round.id}`)).body.committedPence).toBe(0);
    // Reads go on: read models skip what they do not know.
    await request(t.http).get(`/applications/${id}`).set(staff).expect(200);
  });
});
