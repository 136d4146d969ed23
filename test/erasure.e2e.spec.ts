import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { SubscriptionsQueries } from '@pz/subscriptions';
import { scheduleRound } from './support/journey';
import { applicationBody } from './support/journey';
import { backgroundWorkDone, subscribeConfirmed } from './support/subscriptions';
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

  /** Every mail the service has written to its outbox, as one text. */
  function outboxText(): string {
    if (!existsSync(t.config.outboxDir)) return '';
    return readdirSync(t.config.outboxDir).map((name) => readFileSync(join(t.config.outboxDir, name), 'utf8')).join('\n');
  }

  it("erases a person's data everywhere while history, replay and the hash chain still work", async () => {
    const round = await scheduleRound(t);
    const applicant = bearer(t.token({ role: 'applicant', sub: 'jo', org: 'org-jo' }));
    const app = (await request(t.http).post(`/rounds/${round.id}/applications`).set(applicant).send({ ...applicationBody, contactEmail: email }).expect(201)).body;
    await subscribeConfirmed(t, email);
    expect((await t.app.get(SubscriptionsQueries).activeFor(['bell-foundry'])).map((s) => s.email)).toEqual([email]);
    // The confirmation email was written to the outbox, address and all.
    await backgroundWorkDone(t);
    expect(outboxText().toLowerCase()).toContain('jo.bloggs@residents.example');

    const found = (await request(t.http).post('/people/lookup').set(bearer(staff)).send({ email: '  jo.bloggs@residents.EXAMPLE ' }).expect(400)).body;
    expect(found.message.join()).toMatch(/email/);
    const lookup = (await request(t.http).post('/people/lookup').set(bearer(staff)).send({ email: 'jo.bloggs@residents.example' }).expect(200)).body;
    expect(lookup).toMatchObject({ personId: expect.stringMatching(/^person-[0-9a-f]{32}$/), known: true, erased: false });

    const erased = await request(t.http).post(`/people/${lookup.personId}/erase`).set(bearer(staff)).send({ reason: 'GDPR request from Jo Bloggs, ref 114' }).expect(200);
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
    // The reason named the person: it was sealed with their key, and went with it.
    expect(JSON.stringify(all)).not.toContain('Jo Bloggs');
    expect(record[0].data).toMatchObject({ person: lookup.personId, reason: { $pii: 1, person: lookup.personId } });
    const stream = (await request(t.http).get(`/audit/streams/person-${lookup.personId}`).set(bearer(staff)).expect(200)).text;
    expect(stream).not.toContain('Jo Bloggs');
    // The worker took the person's mails out of the outbox, and their jobs out of the queue.
    for (let i = 0; i < 100 && outboxText().toLowerCase().includes('jo.bloggs'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(outboxText().toLowerCase()).not.toContain('jo.bloggs');
    const { WorkQueue } = await import('@pz/notifications');
    const jobs = await t.app.get(WorkQueue, { strict: false }).queue.getJobs(['completed', 'failed', 'delayed', 'waiting'], 0, -1);
    const named = jobs.filter((j) => j.name !== 'erasure-cleanup' && (j.id!.includes(lookup.personId) || Object.values(j.data).includes(lookup.personId)));
    expect(named).toEqual([]);
    const auditor = bearer(t.token({ role: 'auditor', sub: 'a' }));
    expect((await request(t.http).get('/audit/verify').set(auditor).expect(200)).body.ok).toBe(true);
    expect((await request(t.http).post('/audit/replay').set(auditor).expect(200)).body.consistent).toBe(true);

    // Again: nothing more to do.
    expect((await request(t.http).post(`/people/${lookup.personId}/erase`).set(bearer(staff)).send({ reason: 'again' }).expect(200)).body.alreadyErased).toBe(true);
  });

  it('treats an erased address used again as a new person, and tells nobody that anyone was erased', async () => {
    const round = await scheduleRound(t);
    const applicant = bearer(t.token({ role: 'applicant', sub: 'jo', org: 'org-jo' }));
    const first = (await request(t.http).post(`/rounds/${round.id}/applications`).set(applicant).send({ ...applicationBody, contactEmail: email }).expect(201)).body;
    const { personId } = (await request(t.http).post('/people/lookup').set(bearer(staff)).send({ email }).expect(200)).body;
    await request(t.http).post(`/people/${personId}/erase`).set(bearer(staff)).send({ reason: 'Asked to be forgotten' }).expect(200);

    // The same address as a contact again: an ordinary answer, with the address as given.
    const second = await request(t.http).post(`/rounds/${round.id}/applications`).set(applicant).send({ ...applicationBody, contactEmail: email }).expect(201);
    expect(second.body.contactEmail).toBe(email);
    expect(second.text.toLowerCase()).not.toContain('erase');
    expect((await request(t.http).get(`/applications/${first.id}`).set(applicant).expect(200)).body.contactEmail).toBe('[erased]');
    // Staff looking the address up now find the new person, not the erased one.
    const again = (await request(t.http).post('/people/lookup').set(bearer(staff)).send({ email }).expect(200)).body;
    expect(again).toMatchObject({ known: true, erased: false });
    expect(again.personId).not.toBe(personId);
    // And the subscription answer is the usual one.
    expect((await request(t.http).post('/subscriptions').send({ email }).expect(202)).body).toEqual({ status: 'confirmation-sent' });
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
