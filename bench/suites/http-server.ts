/**
 * The service as `npm start` runs it (ServerModule: API and worker in one process, production
 * logging at info), on a temporary SQLite file, listening on 127.0.0.1 only. Forked by the HTTP
 * and reminder suites; tells its parent the port over IPC and stops when told to (or when the parent goes away).
 */
import 'reflect-metadata';
import { createSecretKey, KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createHttpApp, loadConfig } from '@pz/platform';
import { WorkQueue, withTimeout } from '@pz/notifications';
import { ServerModule } from '../../apps/server/src/server.module';

/**
 * What-if switches, off by default and never part of the reported figures unless named: each
 * applies, from outside, a change proposed for code this benchmark does not own, so its effect
 * can be measured before anyone makes it.
 */
function experiments(): void {
  const on = (process.env.BENCH_EXPERIMENTS ?? '').split(',');
  if (on.includes('jwt-keyobject')) {
    // jsonwebtoken tries to parse a string secret as a PEM public key on every verify (and
    // throws); a KeyObject skips that. AuthGuard passes the configured secret as a string.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { JwtService } = require('@nestjs/jwt') as typeof import('@nestjs/jwt');
    const keys = new Map<string, KeyObject>();
    const verifyAsync = JwtService.prototype.verifyAsync;
    JwtService.prototype.verifyAsync = function (this: InstanceType<typeof JwtService>, token: string, options?: { secret?: unknown }) {
      if (typeof options?.secret === 'string') {
        const secret = options.secret;
        if (!keys.has(secret)) keys.set(secret, createSecretKey(Buffer.from(secret)));
        options = { ...options, secret: keys.get(secret) };
      }
      return verifyAsync.call(this, token, options as never);
    } as typeof verifyAsync;
  }
}

async function main(): Promise<void> {
  experiments();
  const dir = mkdtempSync(join(tmpdir(), 'pz-bench-server-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    SQLITE_PATH: process.env.SQLITE_PATH ?? join(dir, 'grants.sqlite'),
    OUTBOX_DIR: join(dir, 'outbox'),
    ...pick(process.env, ['AUTH_JWT_SECRET', 'REDIS_URL', 'QUEUE_PREFIX', 'SMTP_URL', 'FIRST_CHECKIN_AFTER', 'MONITORING_INTERVAL', 'REMINDER_LEAD', 'SWEEP_INTERVAL']),
  });
  const app = await createHttpApp(ServerModule.forRoot(config), config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  process.send?.({ ready: true, port, sqlitePath: config.sqlitePath });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await withTimeout(app.get(WorkQueue, { strict: false }).queue.obliterate({ force: true }), 5000, 'cleaning up').catch(() => undefined);
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  // Not SIGTERM: Nest's own shutdown hook owns that signal.
  process.on('message', (message: { stop?: boolean }) => {
    if (message?.stop) void stop();
  });
  process.on('disconnect', () => void stop());
}

function pick(env: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => env[k] !== undefined).map((k) => [k, env[k]!]));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
