import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { applicationBody, financialYearOf, openAndSubmit, scheduleRound, waitUntilPast } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

describe('Idempotency-Key on writes', () => {
  let t: TestApp;
  let staff: string;
  const opensAt = new Date(Date.now() + 30 * 86_400_000);
  const round = {
    name: 'Idempotent round',
    financialYear: financialYearOf(opensAt),
    kind: 'standard',
    zones: ['new-parks'],
    themes: ['Community Safety'],
    opensAt: opensAt.toISOString(),
    closesAt: new Date(opensAt.getTime() + 86_400_000).toISOString(),
    budgetPence: 100_000,
  };

  beforeEach(async () => {
    t = await startTestApp();
    staff = t.token({ role: 'staff', sub: 'staff-1' });
  });
  afterEach(async () => t.close());

  async function eventCount(): Promise<number> {
    return t.app.get<EventStore>(EVENT_STORE).headPosition();
  }

  it('returns the first result for a replay and writes nothing more', async () => {
    const first = await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-1').send(round).expect(201);
    const events = await eventCount();
    const again = await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-1').send(round).expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await eventCount()).toBe(events);
    expect((await request(t.http).get('/rounds')).body).toHaveLength(1);
  });

  it('answers a retry the same way even when a crash lost the stored answer but not the events', async () => {
    const first = await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-crash').send(round).expect(201);
    const events = await eventCount();
    // As if the process died after committing the events and before recording the answer.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(t.config.sqlitePath);
    db.prepare('DELETE FROM idempotency_requests').run();
    db.close();
    const retried = await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-crash').send(round).expect(201);
    expect(retried.body.id).toBe(first.body.id);
    expect(await eventCount()).toBe(events);
  });

  it('keeps no personal data: a repeat after an erasure shows the address as erased, and the table never held it', async () => {
    const r = await scheduleRound(t);
    const applicant = bearer(t.token({ role: 'applicant', sub: 'u-pii', org: 'org-pii' }));
    const address = 'private.person@residents.example';
    const open = () =>
      request(t.http).post(`/rounds/${r.id}/applications`).set(applicant).set('Idempotency-Key', 'k-pii').send({ ...applicationBody, contactEmail: address });
    const first = await open().expect(201);
    expect(first.body.contactEmail).toBe(address);
    const { personId } = (await request(t.http).post('/people/lookup').set(bearer(staff)).send({ email: address }).expect(200)).body;
    await request(t.http).post(`/people/${personId}/erase`).set(bearer(staff)).send({ reason: 'Asked to be forgotten' }).expect(200);

    const again = await open().expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.contactEmail).toBe('[erased]');
    expect(again.text).not.toContain('private.person');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(t.config.sqlitePath, { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'idempotency%'").pluck().all() as string[];
      expect(tables).toEqual(['idempotency_requests']);
      const rows = JSON.stringify(db.prepare('SELECT * FROM idempotency_requests').all());
      expect(rows).not.toContain('private.person');
      expect(rows).not.toContain('u-pii@');
    } finally {
      db.close();
    }
  });

  it('keeps nothing for a keyed write that changed nothing', async () => {
    const r = await scheduleRound(t, { panel: ['p1'] });
    const rows = async () => {
      const Database = (await import('better-sqlite3')).default;
      const db = new Database(t.config.sqlitePath, { readonly: true });
      try {
        return db.prepare('SELECT count(*) FROM idempotency_requests').pluck().get() as number;
      } finally {
        db.close();
      }
    };
    const before = await rows();
    // The panel is already ['p1']: setting it again decides nothing.
    for (let i = 0; i < 5; i++) {
      await request(t.http).put(`/rounds/${r.id}/panel`).set(bearer(staff)).set('Idempotency-Key', `k-noop-${i}`).send({ members: ['p1'] }).expect(200);
    }
    expect(await rows()).toBe(before);
    await request(t.http).put(`/rounds/${r.id}/panel`).set(bearer(staff)).set('Idempotency-Key', 'k-change').send({ members: ['p2'] }).expect(200);
    expect(await rows()).toBe(before + 1);
  });

  it('answers 422 when a key is reused with a different body, and writes nothing', async () => {
    await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-2').send(round).expect(201);
    const events = await eventCount();
    const res = await request(t.http)
      .post('/rounds')
      .set(bearer(staff))
      .set('Idempotency-Key', 'k-2')
      .send({ ...round, budgetPence: 999 })
      .expect(422);
    expect(res.body.message).toMatch(/different request/);
    expect(await eventCount()).toBe(events);
  });

  it('runs concurrent duplicates once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-3').send(round)),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect((await request(t.http).get('/rounds')).body).toHaveLength(1);
  });

  it('keeps keys per caller', async () => {
    const other = t.token({ role: 'staff', sub: 'staff-2' });
    const a = await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'shared').send(round).expect(201);
    const b = await request(t.http).post('/rounds').set(bearer(other)).set('Idempotency-Key', 'shared').send(round).expect(201);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('keeps no answer for a request that failed, so the same key can be used again', async () => {
    const bad = await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-failed').send({ ...round, budgetPence: -1 }).expect(400);
    expect(bad.headers['idempotent-replayed']).toBeUndefined();
    const good = await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-failed').send(round).expect(201);
    expect(good.headers['idempotent-replayed']).toBeUndefined();
    const again = await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-failed').send(round).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(good.body);
  });

  it('checks the caller, then the body, then the key: a replay is never an answer to someone unauthenticated', async () => {
    await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-order').send(round).expect(201);
    // Without a token, the stored answer is not given back, whatever the body or key.
    await request(t.http).post('/rounds').set('Idempotency-Key', 'k-order').send(round).expect(401);
    await request(t.http).post('/rounds').set('Content-Type', 'text/plain').send('not json').expect(401);
    // Authenticated, the body contract comes before the key is even read.
    const refused = await request(t.http)
      .post('/rounds')
      .set(bearer(staff))
      .set('Idempotency-Key', 'x'.repeat(201))
      .set('Content-Type', 'text/plain')
      .send('not json')
      .expect(415);
    expect(refused.headers['idempotent-replayed']).toBeUndefined();
    // And a request the contract refused kept nothing under its key.
    await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-415').set('Content-Type', 'text/plain').send('x').expect(415);
    const fresh = await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'k-415').send(round).expect(201);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses a malformed key', async () => {
    await request(t.http).post('/rounds').set(bearer(staff)).set('Idempotency-Key', 'x'.repeat(201)).send(round).expect(400);
  });

  it('commits an award once however often it is retried', async () => {
    const r = await scheduleRound(t, { closesInMs: 1500, budgetPence: 1_000_000 });
    const id = await openAndSubmit(t, r.id, 'org-i', { requestedPence: 300_000 });
    await waitUntilPast(r.closesAt);
    const send = () =>
      request(t.http).post(`/applications/${id}/award`).set(bearer(staff)).set('Idempotency-Key', 'award-1').send({ amountPence: 300_000 });
    const first = await send().expect(200);
    const second = await send().expect(200);
    expect(second.body).toEqual(first.body);
    expect((await request(t.http).get(`/rounds/${r.id}`)).body.committedPence).toBe(300_000);
  });
});
