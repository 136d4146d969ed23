import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { JwtService } from '@nestjs/jwt';
import { financialYearOf } from './support/journey';
import { TEST_SECRET } from './support/test-app';

/** How many times the service is killed; raise it (CRASH_KILLS=50) for a longer soak. */
const KILLS = Number(process.env.CRASH_KILLS ?? 6);
const WRITERS = 8;

interface Server {
  child: ChildProcess;
  port: number;
}

function startServer(dir: string): Promise<Server> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/server-child.ts'], {
    cwd: join(__dirname, '..'),
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: '0',
      AUTH_JWT_SECRET: TEST_SECRET,
      SQLITE_PATH: join(dir, 'grants.sqlite'),
      OUTBOX_DIR: join(dir, 'outbox'),
      QUEUE_PREFIX: `pzt-crash-${process.pid}`,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${output}`)));
  });
}

function kill(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGKILL');
  });
}

describe('Crash safety: SIGKILL while writing', () => {
  it(`loses no acknowledged write and duplicates none across ${KILLS} kills, and the hash chain holds`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pz-crash-'));
    const token = new JwtService().sign({ roles: ['staff'] }, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'crash-staff', expiresIn: '1h' });
    const opensAt = new Date(Date.now() + 60 * 86_400_000);
    const body = (name: string) =>
      JSON.stringify({
        name,
        financialYear: financialYearOf(opensAt),
        kind: 'standard',
        zones: ['bell-foundry'],
        themes: ['Pride of Place'],
        opensAt: opensAt.toISOString(),
        closesAt: new Date(opensAt.getTime() + 86_400_000).toISOString(),
        budgetPence: 100_000,
      });

    const acknowledged = new Map<string, string>(); // name -> round id
    const pending: string[] = [];
    let next = 0;
    const send = async (port: number, name: string): Promise<boolean> => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/rounds`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Idempotency-Key': name },
          body: body(name),
        });
        if (res.status !== 201) return false;
        const round = (await res.json()) as { id: string };
        const earlier = acknowledged.get(name);
        if (earlier && earlier !== round.id) throw new Error(`${name} acknowledged twice with different rounds`);
        acknowledged.set(name, round.id);
        return true;
      } catch (error) {
        if (error instanceof Error && /acknowledged twice/.test(error.message)) throw error;
        return false;
      }
    };

    try {
      for (let k = 0; k < KILLS; k++) {
        const server = await startServer(dir);
        let running = true;
        const writers = Array.from({ length: WRITERS }, async () => {
          while (running) {
            // Unacknowledged writes are retried with the same key first, as a real client would.
            const name = pending.shift() ?? `crash-round-${next++}`;
            if (!(await send(server.port, name))) {
              pending.push(name);
              if (running) await new Promise((r) => setTimeout(r, 20));
            }
          }
        });
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
        await kill(server);
        running = false;
        await Promise.all(writers);
      }

      const last = await startServer(dir);
      try {
        for (const name of [...pending]) expect(await send(last.port, name)).toBe(true);
        const verify = (await (await fetch(`http://127.0.0.1:${last.port}/audit/verify`, { headers: { Authorization: `Bearer ${new JwtService().sign({ roles: ['auditor'] }, { secret: TEST_SECRET, algorithm: 'HS256', subject: 'aud', expiresIn: '1h' })}` } })).json()) as { ok: boolean; events: number };
        expect(verify.ok).toBe(true);
      } finally {
        await kill(last);
      }

      const db = new Database(join(dir, 'grants.sqlite'), { readonly: true });
      const rows = db.prepare("SELECT stream_id, json_extract(data, '$.name') AS name FROM events WHERE type = 'RoundScheduled'").all() as { stream_id: string; name: string }[];
      db.close();
      const byName = new Map<string, string[]>();
      for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r.stream_id]);
      const lost = [...acknowledged].filter(([name, id]) => !(byName.get(name) ?? []).includes(`round-${id}`));
      const duplicated = [...byName].filter(([, streams]) => streams.length > 1);
      process.stderr.write(`crash test: ${KILLS} kills, ${acknowledged.size} acknowledged writes, ${lost.length} lost, ${duplicated.length} duplicated\n`);
      expect(acknowledged.size).toBeGreaterThan(KILLS);
      expect(lost).toEqual([]);
      expect(duplicated).toEqual([]);
      // Every write ever attempted was acknowledged in the end: retries converge on one round each.
      expect(rows.length).toBe(acknowledged.size);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
