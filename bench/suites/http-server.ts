/**
 * The service as `npm start` runs it (ServerModule: API and worker in one process, production
 * logging at info), on a temporary SQLite file, listening on 127.0.0.1 only. Forked by the HTTP
 * and reminder suites; tells its parent the port over IPC and stops when told to (or when the parent goes away).
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createHttpApp, loadConfig } from '@pz/platform';
import { WorkQueue, withTimeout } from '@pz/notifications';
import { ServerModule } from '../../apps/server/src/server.module';

/**
 * BENCH_BARE=1: a bare Nest application on the same Fastify adapter with one constant route at
 * the ceiling's path (GET /zones) and nothing else: no guard, interceptors, helmet, CORS or
 * request logging. What the framework alone allows on this machine, for comparison with our
 * ceiling.
 */
@Controller()
class BareZonesController {
  @Get('zones')
  zones(): unknown {
    return [{ id: 'bell-foundry', name: 'Bell Foundry' }];
  }
}

@Module({ controllers: [BareZonesController] })
class BareModule {}

async function startBare(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  process.send?.({ ready: true, port });
  process.on('message', (message: { stop?: boolean }) => {
    if (message.stop) void app.close().then(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
}

async function main(): Promise<void> {
  if (process.env.BENCH_BARE === '1') return startBare();
  const dir = mkdtempSync(join(tmpdir(), 'pz-bench-server-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    SQLITE_PATH: process.env.SQLITE_PATH ?? join(dir, 'grants.sqlite'),
    OUTBOX_DIR: process.env.OUTBOX_DIR ?? join(dir, 'outbox'),
    // ADMIN_EMAILS: a suite that measures staff pages signs its officer in (bench/lib/session.ts).
    ...pick(process.env, ['AUTH_JWT_SECRET', 'REDIS_URL', 'QUEUE_PREFIX', 'SMTP_URL', 'FIRST_CHECKIN_AFTER', 'MONITORING_INTERVAL', 'REMINDER_LEAD', 'SWEEP_INTERVAL', 'ADMIN_EMAILS']),
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
