import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { signIn } from './support/sign-in';
import { bearer, startTestApp, TEST_SECRET } from './support/test-app';

const run = promisify(execFile);

describe('npm run demo', () => {
  it('loads a believable 2024-25 year that the service then serves, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pz-demo-'));
    const env = { ...process.env, SQLITE_PATH: join(dir, 'grants.sqlite'), AUTH_JWT_SECRET: TEST_SECRET, NODE_ENV: 'test' };
    const root = join(__dirname, '..');
    const first = await run(process.execPath, ['-r', '@swc-node/register', 'scripts/demo.ts'], { cwd: root, env, timeout: 60_000 });
    expect(first.stdout).toMatch(/3 rounds sharing £120,000, 42 applications/);
    const people = Object.fromEntries([...first.stdout.matchAll(/^ {2}(staff|panel|auditor|applicant) +(\S+@\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(people).sort()).toEqual(['applicant', 'auditor', 'panel', 'staff']);
    expect(first.stdout).toContain('/dev/mail');
    const second = await run(process.execPath, ['-r', '@swc-node/register', 'scripts/demo.ts'], { cwd: root, env, timeout: 60_000 });
    expect(second.stdout).toMatch(/already/);

    const t = await startTestApp({}, undefined, dir);
    try {
      // The service catches its read models up from the log the demo wrote.
      const staffToken = t.token({ role: 'staff', sub: 's' });
      for (let i = 0; i < 100; i++) {
        const health = (await request(t.http).get('/operations/health').set(bearer(staffToken))).body as { projections: { lag: number }[] };
        if (health.projections.every((p) => p.lag === 0)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const rounds = (await request(t.http).get('/rounds').expect(200)).body as { budgetPence: number; committedPence: number; financialYear: string; status: string }[];
      expect(rounds).toHaveLength(3);
      expect(rounds.reduce((s, r) => s + r.budgetPence, 0)).toBe(12_000_000);
      for (const r of rounds) {
        expect(r).toMatchObject({ financialYear: '2024-25', status: 'closed' });
        expect(r.committedPence).toBeLessThanOrEqual(r.budgetPence);
      }
      const staff = t.token({ role: 'staff', sub: 's' });
      const apps = (await request(t.http).get('/applications').set(bearer(staff)).expect(200)).body as { status: string; zone: string }[];
      expect(apps).toHaveLength(42);
      expect(new Set(apps.map((a) => a.zone))).toEqual(new Set(['bell-foundry', 'new-parks', 'thringstone-whitwick']));
      expect(apps.filter((a) => a.status === 'awarded').length).toBeGreaterThan(10);
      expect(apps.filter((a) => a.status === 'declined').length).toBeGreaterThan(10);

      // Someone for every role signs in; the applicant sees their group's bids from the demo year.
      const applicant = await signIn(t, people.applicant);
      const mine = await applicant.get('/my').expect(200);
      expect(mine.text).toContain('Bell Foundry Residents');
      expect((mine.text.match(/class="app-application-list__item"/g) ?? []).length).toBeGreaterThan(0);
      await (await signIn(t, people.staff)).get('/staff/people').expect(200);
      expect((await (await signIn(t, people.panel)).get('/account').expect(200)).text).toContain('Panel member: Bell Foundry steering group');
      expect((await (await signIn(t, people.auditor)).get('/account').expect(200)).text).toContain('Auditor');

      // A long scripted history replays into exactly the read models the service built, and its chain holds.
      const auditor = t.token({ role: 'auditor', sub: 'a' });
      const replay = (await request(t.http).post('/audit/replay').set(bearer(auditor)).expect(200)).body;
      expect(replay).toMatchObject({ consistent: true, differences: [] });
      expect(replay.events).toBeGreaterThan(300);
      expect((await request(t.http).get('/audit/verify').set(bearer(auditor)).expect(200)).body).toMatchObject({ ok: true });
    } finally {
      await t.close();
    }
  }, 90_000);
});
