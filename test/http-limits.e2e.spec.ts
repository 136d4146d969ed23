import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { applicationBody, scheduleRound } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

describe('HTTP input limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('refuses a body over the size limit with 413 and writes nothing', async () => {
    const round = await scheduleRound(t);
    const before = await t.app.get<EventStore>(EVENT_STORE).headPosition();
    const applicant = t.token({ role: 'applicant', sub: 'a', org: 'o', email: 'a@o.example' });
    const res = await request(t.http)
      .post(`/rounds/${round.id}/applications`)
      .set(bearer(applicant))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ title: 'x', summary: 'y'.repeat(70 * 1024) }))
      .expect(413);
    expect(res.body.statusCode).toBe(413);
    expect(await t.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(before);
  });

  it('answers an array far too long with a short 400 naming it, without validating every item', async () => {
    const round = await scheduleRound(t);
    const applicant = t.token({ role: 'applicant', sub: 'a', org: 'o', email: 'a@o.example' });
    // 8,000 empty partners fit in 64 KB; validating each would name 8,000 problems.
    const res = await request(t.http)
      .post(`/rounds/${round.id}/applications`)
      .set(bearer(applicant))
      .send({ ...applicationBody, partners: Array.from({ length: 8000 }, () => ({})) })
      .expect(400);
    expect(res.text.length).toBeLessThan(2_000);
    expect(res.body.message).toEqual(['partners must contain no more than 20 elements']);
  });

  it('answers a body with very many bad fields with a bounded list of them', async () => {
    const round = await scheduleRound(t);
    const applicant = t.token({ role: 'applicant', sub: 'a', org: 'o', email: 'a@o.example' });
    // Twenty partners (the most allowed), each with two bad fields and an unknown one.
    const partners = Array.from({ length: 20 }, () => ({ name: 42, identifier: [], nickname: 'x' }));
    const answers = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`q${i}`, i]));
    const res = await request(t.http)
      .post(`/rounds/${round.id}/applications`)
      .set(bearer(applicant))
      .send({ title: 'Bad partners', requestedPence: 'lots', partners, answers })
      .expect(400);
    const messages = res.body.message as string[];
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^requestedPence /), expect.stringMatching(/^partners\.0\.name /)]));
    expect(messages.at(-1)).toBe('Further validation errors were omitted');
    expect(res.text.length).toBeLessThan(6_000);
  });

  it('answers malformed JSON with a 400, not a 500', async () => {
    const staff = t.token({ role: 'staff', sub: 's' });
    await request(t.http).post('/rounds').set(bearer(staff)).set('Content-Type', 'application/json').send('{"name":').expect(400);
  });
});
