import request from 'supertest';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import { scheduleRound } from './support/journey';
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

  it('answers malformed JSON with a 400, not a 500', async () => {
    const staff = t.token({ role: 'staff', sub: 's' });
    await request(t.http).post('/rounds').set(bearer(staff)).set('Content-Type', 'application/json').send('{"name":').expect(400);
  });
});
