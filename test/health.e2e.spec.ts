import { existsSync } from 'node:fs';
import { EVENT_STORE, EventStore } from '@pz/event-store';
import request from 'supertest';
import { bearer, startTestApp, TestApp } from './support/test-app';

describe('GET /health and /docs', () => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('tells the public only whether the service can serve, and creates the SQLite file', async () => {
    t = await startTestApp();
    const res = await request(t.http).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', checks: { eventStore: 'ok', redis: 'ok' } });
    expect(existsSync(t.config.sqlitePath)).toBe(true);
  });

  it('tells staff the projection lag and the worker too, at /operations/health', async () => {
    t = await startTestApp();
    const res = await request(t.http).get('/operations/health').set(bearer(t.token({ role: 'staff', sub: 's' }))).expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      checks: { eventStore: 'ok', redis: 'ok' },
      eventStore: 'sqlite',
      projections: expect.arrayContaining([expect.objectContaining({ name: 'rounds', lag: 0 })]),
      worker: expect.objectContaining({ planner: expect.objectContaining({ lastError: null }) }),
    });
  });

  it('reports degraded with a 200 when Redis cannot be reached: the API still serves', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    const res = await request(t.http).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'degraded', checks: { eventStore: 'ok', redis: 'error' } });
    await request(t.http).get('/rounds').expect(200);
  });

  it('reports error with a 503 when the event store cannot be reached', async () => {
    t = await startTestApp();
    const store = t.app.get<EventStore>(EVENT_STORE);
    await store.close();
    const res = await request(t.http).get('/health').expect(503);
    expect(res.body).toEqual({ status: 'error', checks: { eventStore: 'error', redis: 'ok' } });
  });

  it('starts while EventStoreDB does not answer, says error with a 503, and tells staff what planning waits for', async () => {
    // Port 1 on loopback: nothing listens there, so every call to the event store is refused.
    t = await startTestApp({ EVENT_STORE: 'esdb', ESDB_CONNECTION_STRING: 'esdb://127.0.0.1:1?tls=false' });
    const res = await request(t.http).get('/health').expect(503);
    expect(res.body).toEqual({ status: 'error', checks: { eventStore: 'error', redis: 'ok' } });
    const staff = bearer(t.token({ role: 'staff', sub: 's' }));
    let planner: { lastError: string | null } = { lastError: null };
    for (let i = 0; i < 50 && !planner.lastError; i++) {
      planner = (await request(t.http).get('/operations/health').set(staff).expect(503)).body.worker.planner;
      if (!planner.lastError) await new Promise((r) => setTimeout(r, 100));
    }
    expect(planner.lastError).toMatch(/event store does not answer/);
    // Public reads of the read models still answer.
    await request(t.http).get('/zones').expect(200);
  });

  it('serves the OpenAPI document with the round operations and their roles', async () => {
    t = await startTestApp();
    const res = await request(t.http).get('/docs/openapi.json').expect(200);
    expect(res.body.paths['/rounds'].post.summary).toMatch(/staff/);
    expect(res.body.components.schemas.ScheduleRoundDto.required).toEqual(
      expect.arrayContaining(['name', 'financialYear', 'kind', 'zones', 'themes', 'opensAt', 'closesAt', 'budgetPence']),
    );
    await request(t.http).get('/docs').expect(200);
  });

  it('sends security headers and no framework banner', async () => {
    t = await startTestApp();
    const res = await request(t.http).get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
