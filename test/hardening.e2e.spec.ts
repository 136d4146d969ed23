import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { applicationBody, scheduleRound } from './support/journey';
import { bearer, startTestApp, TEST_SECRET, TestApp } from './support/test-app';

describe('Hardening', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('allows browser calls only from the configured origins', async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://grants.example.org' });
    const ok = await request(t.http).options('/rounds').set('Origin', 'https://grants.example.org').set('Access-Control-Request-Method', 'GET');
    expect(ok.headers['access-control-allow-origin']).toBe('https://grants.example.org');
    const evil = await request(t.http).options('/rounds').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('limits how fast one signed-in caller may write, telling them when to try again, and no one else', async () => {
    t = await startTestApp({ WRITE_RATE_LIMIT: '5' });
    const round = await scheduleRound(t); // one write by staff-1
    const staff = bearer(t.token({ role: 'staff', sub: 'staff-1' }));
    const panel = (members: string[]) => request(t!.http).put(`/rounds/${round.id}/panel`).set(staff).send({ members });
    for (let i = 0; i < 4; i++) await panel([`p${i}`]).expect(200);
    const refused = await panel(['p-too-many']).expect(429);
    expect(refused.body).toMatchObject({ statusCode: 429, message: expect.stringMatching(/try again in \d+ s/) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Reads go on; another caller's writes go on.
    await request(t.http).get(`/rounds/${round.id}`).set(staff).expect(200);
    await request(t.http).put(`/rounds/${round.id}/panel`).set(bearer(t.token({ role: 'staff', sub: 'staff-2' }))).send({ members: ['q'] }).expect(200);
    expect((await request(t.http).get(`/rounds/${round.id}`)).body).toBeDefined();
  });

  it('refuses header injection in emails and names', async () => {
    t = await startTestApp();
    await request(t.http).post('/subscriptions').send({ email: 'a@b.example\r\nBcc: victim@c.example' }).expect(400);
    const round = await scheduleRound(t);
    const applicant = bearer(t.token({ role: 'applicant', sub: 'u', org: 'o', email: 'u@o.example' }));
    const res = await request(t.http)
      .post(`/rounds/${round.id}/applications`)
      .set(applicant)
      .send({ ...applicationBody, contactEmail: 'x@y.example\nBcc: z@w.example', partners: [{ name: 'Trust\r\nX-Injected: 1' }], title: 'Line\nbreak' })
      .expect(400);
    const text = res.body.message.join('\n');
    expect(text).toMatch(/contactEmail/);
    expect(text).toMatch(/partners\.0\.name/);
    expect(text).toMatch(/title/);
  });

  it('keeps personal data and credentials out of the logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pz-logs-'));
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/server-child.ts'], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'debug', PORT: '0', AUTH_JWT_SECRET: TEST_SECRET, SQLITE_PATH: join(dir, 'g.sqlite'), OUTBOX_DIR: join(dir, 'outbox'), QUEUE_PREFIX: `pzt-logs-${process.pid}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    child.stdout!.on('data', (c: Buffer) => (logs += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (logs += c.toString()));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${logs}`)), 30_000);
        const poll = setInterval(() => {
          const m = /LISTENING (\d+)/.exec(logs);
          if (m) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        }, 20);
      });
      const base = `http://127.0.0.1:${port}`;
      const jwt = new JwtService().sign({ roles: ['applicant'], org: 'org-l', email: 'secret.person@private.example', name: 'Secret Person' }, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'u-logs', expiresIn: '1h' });
      await fetch(`${base}/subscriptions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: 'subscriber.person@private.example' }) });
      await fetch(`${base}/subscriptions/unsubscribe?token=sub-token-that-must-not-be-logged.abc`);
      await fetch(`${base}/applications`, { headers: { Authorization: `Bearer ${jwt}` } });
      await fetch(`${base}/subscriptions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"email": "broken.json@private.example"' });
      await new Promise((r) => setTimeout(r, 500));
      expect(logs).toMatch(/"correlationId"/); // requests were logged...
      // ...one line per request with what an operator needs to find it, and nothing more
      const completed = logs
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { correlationId?: string; req?: { id?: string; path?: string } })
        .find((entry) => entry.req?.path === '/subscriptions/unsubscribe');
      expect(completed).toMatchObject({ req: { method: 'GET', path: '/subscriptions/unsubscribe' }, res: { statusCode: expect.any(Number) }, responseTime: expect.any(Number) });
      expect(completed?.correlationId).toEqual(expect.any(String));
      expect(completed?.req?.id).toBe(completed?.correlationId);
      for (const secret of ['subscriber.person', 'secret.person', 'Secret Person', 'sub-token-that-must-not-be-logged', jwt, 'broken.json@']) {
        expect(logs).not.toContain(secret); // ...without what they carried
      }
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
