import { existsSync } from 'node:fs';
import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';

describe('GET /health and /docs', () => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('reports ok with the event store, Redis and projection lag, and creates the SQLite file', async () => {
    t = await startTestApp();
    const res = await request(t.http).get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      checks: { eventStore: 'ok', redis: 'ok' },
      eventStore: 'sqlite',
      projections: expect.arrayContaining([expect.objectContaining({ name: 'rounds', lag: 0 })]),
    });
    expect(existsSync(t.config.sqlitePath)).toBe(true);
  });

  it('reports error with a 503 when Redis cannot be reached', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    const res = await request(t.http).get('/health').expect(503);
    expect(res.body).toMatchObject({ status: 'error', checks: { eventStore: 'ok', redis: 'error' } });
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
