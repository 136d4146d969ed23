import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { PgEventStore } from '@pz/event-store/postgres/pg-event-store';
import { openPgPool } from '@pz/event-store/postgres/pg-pool';
import { createTemporaryDatabase, describeWithPostgres, TemporaryDatabase } from '@pz/event-store/postgres/testing/temporary-postgres';
import type { RunningServer } from '../bench/lib/server';
import { signedInCookie } from '../bench/lib/session';
import { applicationBody, financialYearOf } from './support/journey';
import { TEST_SECRET } from './support/test-app';

// Two API processes and a worker on one PostgreSQL database, each with a SQLite path of its own
// (so nothing they share can go through a local file): what several machines would run.

interface Role {
  child: ChildProcess;
  port: number;
  base: string;
}

const jwt = new JwtService();
const token = (role: string, sub: string, extra: Record<string, string> = {}) =>
  `Bearer ${jwt.sign({ roles: [role], ...extra }, { secret: TEST_SECRET, algorithm: 'HS256', subject: sub, expiresIn: '1h' })}`;
const STAFF = token('staff', 'staff-mp');

function start(role: 'api' | 'worker', databaseUrl: string, dir: string, name: string): Promise<Role> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/role-child.ts', role], {
    cwd: join(__dirname, '..'),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: '0',
      AUTH_JWT_SECRET: TEST_SECRET,
      EVENT_STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      SQLITE_PATH: join(dir, name, 'local.sqlite'),
      OUTBOX_DIR: join(dir, 'outbox'),
      QUEUE_PREFIX: `pzt-mp-${process.pid}`,
      WRITE_RATE_LIMIT: '0',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]), base: `http://127.0.0.1:${match[1]}` });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready: ${output}`));
    });
  });
}

function kill(role: Role): Promise<void> {
  if (role.child.exitCode !== null || role.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    role.child.once('exit', () => resolve());
    role.child.kill('SIGKILL');
  });
}

async function call(base: string, method: string, path: string, auth: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

function roundBody(name: string, closesInMs: number, budgetPence: number) {
  const opensAt = new Date(Date.now() - 60_000);
  return {
    name,
    financialYear: financialYearOf(opensAt),
    kind: 'standard',
    zones: ['bell-foundry', 'new-parks'],
    themes: ['Pride of Place'],
    opensAt: opensAt.toISOString(),
    closesAt: new Date(Date.now() + closesInMs).toISOString(),
    budgetPence,
  };
}

describeWithPostgres('Several processes on one PostgreSQL database', () => {
  let database: TemporaryDatabase;
  let dir: string;
  let apis: Role[] = [];
  let worker: Role | undefined;

  beforeAll(async () => {
    database = await createTemporaryDatabase();
    dir = mkdtempSync(join(tmpdir(), 'pz-mp-'));
    // The first process migrates alone; the others then start at once.
    const first = await start('api', database.url, dir, 'api-a');
    const [second, w] = await Promise.all([start('api', database.url, dir, 'api-b'), start('worker', database.url, dir, 'worker')]);
    apis = [first, second];
    worker = w;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...apis, ...(worker ? [worker] : [])].map(kill));
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads back through one API a write acknowledged by the other', async () => {
    const [a, b] = apis;
    for (let i = 0; i < 5; i++) {
      const [writer, reader] = i % 2 === 0 ? [a, b] : [b, a];
      const created = await call(writer.base, 'POST', '/rounds', STAFF, roundBody(`Read-back ${i}`, 3_600_000, 500_000));
      expect(created.status).toBe(201);
      const read = await call(reader.base, 'GET', `/rounds/${created.body.id as string}`, STAFF);
      expect(read).toMatchObject({ status: 200, body: { id: created.body.id, name: `Read-back ${i}` } });
    }
    // Personal data sealed through one API (with a key it made) is revealed through the other.
    const round = await call(a.base, 'POST', '/rounds', STAFF, roundBody('Sealed', 3_600_000, 500_000));
    const applicant = token('applicant', 'user-sealed', { org: 'org-sealed', email: 'sealed@example.org' });
    const opened = await call(a.base, 'POST', `/rounds/${round.body.id as string}/applications`, applicant, applicationBody);
    expect(opened.status).toBe(201);
    const seen = await call(b.base, 'GET', `/applications/${opened.body.id as string}`, STAFF);
    expect(seen).toMatchObject({ status: 200, body: { contactEmail: 'sealed@example.org' } });
  });

  it('a person signed in through one API is signed in on the other, and signing out there ends it everywhere', async () => {
    const [a, b] = apis;
    const cookie = await signedInCookie({ url: a.base } as RunningServer, 'mp.person@example.org', join(dir, 'outbox'));
    const page = (base: string) => fetch(`${base}/account`, { headers: { accept: 'text/html', cookie }, redirect: 'manual' });
    expect((await page(b.base)).status).toBe(200);
    expect(await (await page(b.base)).text()).toContain('mp.person@example.org');
    const account = await (await page(b.base)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(account)![1];
    const out = await fetch(`${b.base}/account/sign-out-everywhere`, {
      method: 'POST',
      headers: { accept: 'text/html', cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    expect((await page(a.base)).status).toBe(303);
  });

  it('never over-commits a round budget when awards race through both APIs', async () => {
    const [a, b] = apis;
    const round = await call(a.base, 'POST', '/rounds', STAFF, roundBody('Raced budget', 6000, 1_000_000));
    expect(round.status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const applicant = token('applicant', `user-mp-${i}`, { org: `org-mp-${i}`, email: `mp${i}@example.org` });
      // Opened through one API, submitted through the other.
      const opened = await call((i % 2 ? a : b).base, 'POST', `/rounds/${round.body.id as string}/applications`, applicant, { ...applicationBody, requestedPence: 100_000 });
      expect(opened.status).toBe(201);
      expect((await call((i % 2 ? b : a).base, 'POST', `/applications/${opened.body.id as string}/submit`, applicant)).status).toBe(200);
      ids.push(opened.body.id as string);
    }
    const wait = Date.parse(round.body.closesAt as string) - Date.now() + 50;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    const responses = await Promise.all(ids.map((id, i) => call((i % 2 ? a : b).base, 'POST', `/applications/${id}/award`, STAFF, { amountPence: 100_000 })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(10);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(14);
    for (const api of apis) {
      expect((await call(api.base, 'GET', `/rounds/${round.body.id as string}`, STAFF)).body.committedPence).toBe(1_000_000);
    }
  });

  it('loses no acknowledged write when an API is killed (SIGKILL) under write load, and the hash chain holds', async () => {
    const acknowledged = new Map<string, string>();
    const pending: string[] = [];
    let next = 0;
    let lastAnswer = '';
    const send = async (api: Role, name: string): Promise<boolean> => {
      try {
        const res = await call(api.base, 'POST', '/rounds', STAFF, roundBody(name, 3_600_000, 100_000), { 'Idempotency-Key': name });
        lastAnswer = `${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        if (res.status !== 201) return false;
        const earlier = acknowledged.get(name);
        if (earlier && earlier !== res.body.id) throw new Error(`${name} acknowledged twice with different rounds`);
        acknowledged.set(name, res.body.id as string);
        return true;
      } catch (error) {
        if (error instanceof Error && /acknowledged twice/.test(error.message)) throw error;
        lastAnswer = String(error);
        return false;
      }
    };
    let running = true;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      while (running) {
        // Unacknowledged writes are retried with the same key, as a client would; after the
        // kill, through the API that is still up.
        const name = pending.shift() ?? `mp-kill-${next++}`;
        const api = apis[0].child.exitCode === null && apis[0].child.signalCode === null && w % 2 === 0 ? apis[0] : apis[1];
        if (!(await send(api, name))) {
          pending.push(name);
          if (running) await new Promise((r) => setTimeout(r, 20));
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    await kill(apis[0]);
    await new Promise((r) => setTimeout(r, 1000));
    running = false;
    await Promise.all(writers);
    // The survivor serves: a new write is acknowledged within 30 s (on a busy machine it may first
    // wait out the dead process's projection leases).
    let served = false;
    for (let attempt = 0; attempt < 60 && !served; attempt++) {
      served = await send(apis[1], `mp-kill-after-${attempt}`);
      if (!served) await new Promise((r) => setTimeout(r, 500));
    }
    expect({ served, lastAnswer: served ? '' : lastAnswer }).toEqual({ served: true, lastAnswer: '' });
    // What was never acknowledged is retried once with its key, as a client would; whatever is
    // acknowledged now is checked below with the rest (stored once, chain intact). A key the
    // survivor keeps refusing stays unacknowledged: the client was never told it was written.
    for (const name of [...pending]) await send(apis[1], name);

    const pool = openPgPool(database.url, { max: 2 });
    try {
      const { rows } = await pool.query<{ stream_id: string; name: string }>(
        `SELECT stream_id, data::json->>'name' AS name FROM events WHERE type = 'RoundScheduled' AND data::json->>'name' LIKE 'mp-kill-%'`,
      );
      const byName = new Map<string, string[]>();
      for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r.stream_id]);
      const lost = [...acknowledged].filter(([name, id]) => !(byName.get(name) ?? []).includes(`round-${id}`));
      const duplicated = [...byName].filter(([, streams]) => streams.length > 1);
      process.stderr.write(`multi-process kill: ${acknowledged.size} acknowledged writes, ${lost.length} lost, ${duplicated.length} duplicated\n`);
      expect(acknowledged.size).toBeGreaterThan(10);
      expect(lost).toEqual([]);
      expect(duplicated).toEqual([]);
      const store = await PgEventStore.open({ pool });
      expect(await store.verifyChain()).toMatchObject({ ok: true });
      await store.close();
    } finally {
      await pool.end();
    }
  }, 120_000);
});
