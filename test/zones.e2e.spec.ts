import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import request from 'supertest';
import { readZonesFile } from '@pz/rounds';
import { financialYearOf } from './support/journey';
import { bearer, startTestApp, TestApp } from './support/test-app';

describe('Zones are data', () => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('serves the three seeded People Zones by default', async () => {
    t = await startTestApp();
    const res = await request(t.http).get('/zones').expect(200);
    expect(res.body.map((z: { id: string }) => z.id)).toEqual(['bell-foundry', 'new-parks', 'thringstone-whitwick']);
    expect(res.body[0]).toMatchObject({ name: 'Bell Foundry', area: 'Charnwood (Loughborough)', themes: expect.arrayContaining(['Pride of Place']) });
  });

  it('takes new zones from ZONES_FILE without a code change, and rounds can use them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pz-zones-'));
    const file = join(dir, 'zones.json');
    writeFileSync(file, JSON.stringify([{ id: 'braunstone', name: 'Braunstone', area: 'Leicester City', themes: ['Youth'] }]));
    t = await startTestApp({ ZONES_FILE: file });
    expect((await request(t.http).get('/zones')).body).toEqual([{ id: 'braunstone', name: 'Braunstone', area: 'Leicester City', themes: ['Youth'] }]);
    const opensAt = new Date(Date.now() + 86_400_000 * 40);
    const body = {
      name: 'Braunstone pilot',
      financialYear: financialYearOf(opensAt),
      kind: 'standard',
      themes: ['Youth'],
      opensAt: opensAt.toISOString(),
      closesAt: new Date(opensAt.getTime() + 86_400_000).toISOString(),
      budgetPence: 100_000,
    };
    const staff = bearer(t.token({ role: 'staff', sub: 's' }));
    await request(t.http).post('/rounds').set(staff).send({ ...body, zones: ['braunstone'] }).expect(201);
    await request(t.http).post('/rounds').set(staff).send({ ...body, zones: ['bell-foundry'] }).expect(400);
  });

  it('names every problem in a bad zones file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pz-zones-'));
    const file = join(dir, 'zones.json');
    writeFileSync(file, JSON.stringify([{ id: 'Bad Id', name: '', area: 'x', themes: 'no' }, { id: 'ok', name: 'Ok', area: 'y', themes: [] }]));
    expect(() => readZonesFile(file)).toThrow(/\[0\]\.id.*\[0\]\.name.*\[0\]\.themes/);
    writeFileSync(file, '{not json');
    expect(() => readZonesFile(file)).toThrow(/could not be read as JSON/);
  });
});
