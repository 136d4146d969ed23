import request from 'supertest';
import { bearer, startTestApp, TestApp } from './support/test-app';

const round = {
  name: 'People Zones Grants 2026-27 Round 1',
  financialYear: '2026-27',
  kind: 'standard',
  zones: ['bell-foundry', 'new-parks'],
  themes: ['Pride of Place', 'Community Safety'],
  opensAt: '2026-06-01T09:00:00Z',
  closesAt: '2026-06-29T17:00:00Z',
  budgetPence: 4_000_000,
  maxAwardPence: 1_000_000,
};

describe('Rounds through the whole path (POST -> decide -> append -> projection -> GET)', () => {
  let t: TestApp;
  let staff: string;

  beforeEach(async () => {
    t = await startTestApp();
    staff = t.token({ role: 'staff', sub: 'staff-1' });
  });
  afterEach(async () => t.close());

  it('schedules a round and shows it on the public calendar straight away', async () => {
    const created = await request(t.http).post('/rounds').set(bearer(staff)).send(round).expect(201);
    expect(created.body).toMatchObject({
      name: round.name,
      financialYear: '2026-27',
      kind: 'standard',
      zones: round.zones,
      opensAt: '2026-06-01T09:00:00.000Z',
      closesAt: '2026-06-29T17:00:00.000Z',
      announceAt: '2026-05-04T09:00:00.000Z', // 28 days before opening
      budgetPence: 4_000_000,
      committedPence: 0,
      status: expect.stringMatching(/^(scheduled|open|closed)$/),
    });
    expect(created.body.criteria.map((c: { key: string }) => c.key)).toContain('sustainability');

    const list = await request(t.http).get('/rounds').expect(200);
    expect(list.body.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
    const one = await request(t.http).get(`/rounds/${created.body.id}`).expect(200);
    expect(one.body).toEqual(created.body);
  });

  it('records the actor and correlation id of the request in the event metadata', async () => {
    const created = await request(t.http)
      .post('/rounds')
      .set(bearer(staff))
      .set('X-Correlation-Id', 'corr-abc-123')
      .send(round)
      .expect(201);
    expect(created.headers['x-correlation-id']).toBe('corr-abc-123');
    const { EVENT_STORE } = await import('@pz/event-store');
    const store = t.app.get(EVENT_STORE);
    const events = await store.readStream(`round-${created.body.id}`);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('RoundScheduled');
    expect(events[0].metadata).toMatchObject({
      actor: { sub: 'staff-1', role: 'staff' },
      correlationId: 'corr-abc-123',
      schemaVersion: 1,
    });
  });

  it('survives a restart', async () => {
    const created = await request(t.http).post('/rounds').set(bearer(staff)).send(round).expect(201);
    t = await t.restart();
    const list = await request(t.http).get('/rounds').expect(200);
    expect(list.body.map((r: { id: string }) => r.id)).toEqual([created.body.id]);
  });

  it('names every bad field in a 400 and records nothing', async () => {
    const res = await request(t.http)
      .post('/rounds')
      .set(bearer(staff))
      .send({ ...round, kind: 'mega', budgetPence: -5, opensAt: 'soon', surprise: true, criteria: [{ key: 'X', title: '', weight: 0 }] })
      .expect(400);
    const message = (res.body.message as string[]).join('\n');
    for (const field of ['kind', 'budgetPence', 'opensAt', 'surprise', 'criteria.0.key', 'criteria.0.title', 'criteria.0.weight']) {
      expect(message).toContain(field);
    }
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect((await request(t.http).get('/rounds')).body).toEqual([]);
  });

  it('applies the domain rules with every problem named', async () => {
    const res = await request(t.http)
      .post('/rounds')
      .set(bearer(staff))
      .send({ ...round, zones: ['atlantis'], closesAt: '2026-05-01T00:00:00Z', financialYear: '2025-26' })
      .expect(400);
    const message = (res.body.message as string[]).join('\n');
    expect(message).toMatch(/unknown People Zone "atlantis"/);
    expect(message).toMatch(/closesAt must be after opensAt/);
    expect(message).toMatch(/financial year 2025-26/);
  });

  it('lets only staff schedule rounds', async () => {
    await request(t.http).post('/rounds').send(round).expect(401);
    await request(t.http).post('/rounds').set(bearer('not-a-jwt')).send(round).expect(401);
    for (const role of ['applicant', 'panel', 'auditor'] as const) {
      const token = t.token({ role, sub: `${role}-1`, org: 'org-1' });
      await request(t.http).post('/rounds').set(bearer(token)).send(round).expect(403);
    }
    expect((await request(t.http).get('/rounds')).body).toEqual([]);
  });

  it('answers 404 for an unknown round and 400 for a malformed id', async () => {
    await request(t.http).get('/rounds/00000000-0000-4000-8000-000000000000').expect(404);
    await request(t.http).get('/rounds/nope').expect(400);
  });
});
