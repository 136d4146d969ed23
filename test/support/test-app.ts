import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, configureHttpApp, createHttpAdapter, loadConfig, UserRole } from '@pz/platform';
import { withTimeout, WorkQueue } from '@pz/notifications';
import { createTemporaryDatabase, TemporaryDatabase } from '@pz/event-store/postgres/testing/temporary-postgres';
import { ServerModule } from '../../apps/server/src/server.module';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-characters-long';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dir: string;
  http: ReturnType<NestFastifyApplication['getHttpServer']>;
  /** Every JSON route the HTTP server routes, as "METHOD /path/:param" (HEAD only where declared). */
  routes: string[];
  /** Every page route (web.md), the same way; assets are neither. */
  pageRoutes: string[];
  /** Listens on a loopback port (once; `port` when given, else any) and answers its base URL, for a real browser. */
  listen(port?: number): Promise<string>;
  token(claims: { role: UserRole | UserRole[]; sub: string; org?: string; email?: string; name?: string }): string;
  /** Stops the app and starts a new one on the same files: a restart. */
  restart(): Promise<TestApp>;
  close(options?: { keepFiles?: boolean }): Promise<void>;
}

/**
 * A real service on real files: the whole server module (api + worker) over a temporary SQLite
 * store, driven through HTTP with supertest. Only the environment is set by the test.
 */
/** A loopback port free now: for an app whose PUBLIC_URL must be known before it starts (OpenID redirects). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startTestApp(
  env: Record<string, string> = {},
  module: (config: AppConfig) => DynamicModule = (config) => ServerModule.forRoot(config),
  existingDir?: string,
): Promise<TestApp> {
  const dir = existingDir ?? mkdtempSync(join(tmpdir(), 'pz-e2e-'));
  const postgres = await postgresFor(dir, env);
  const config = loadConfig({
    NODE_ENV: 'test',
    AUTH_JWT_SECRET: TEST_SECRET,
    SQLITE_PATH: join(dir, 'grants.sqlite'),
    OUTBOX_DIR: join(dir, 'outbox'),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    // Each test app has its own queues in the shared Redis; a restart keeps them.
    QUEUE_PREFIX: `pzt-${basename(dir).replace(/[^A-Za-z0-9_-]/g, '')}`,
    ...postgres,
    ...env,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module(config), createHttpAdapter(config), {
    bodyParser: false,
    logger: false,
    bufferLogs: true,
    abortOnError: false,
  });
  const { routes, pageRoutes } = recordRoutes(app);
  await configureHttpApp(app, config);
  await app.init();
  // Fastify loads its plugins (helmet, CORS, static files) when ready; supertest needs them loaded.
  await app.getHttpAdapter().getInstance().ready();
  const jwt = new JwtService();
  let baseUrl: string | undefined;
  const self: TestApp = {
    app,
    config,
    dir,
    http: app.getHttpServer(),
    routes,
    pageRoutes,
    async listen(port = 0) {
      if (!baseUrl) {
        await app.listen({ port, host: '127.0.0.1' });
        baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      }
      return baseUrl;
    },
    token: ({ role, sub, org, email, name }) =>
      jwt.sign(
        { roles: Array.isArray(role) ? role : [role], org, email, name },
        { secret: TEST_SECRET, algorithm: 'HS256', subject: sub, expiresIn: '1h' },
      ),
    async restart() {
      await self.close({ keepFiles: true });
      return startTestApp(env, module, dir);
    },
    async close(options = {}) {
      if (!options.keepFiles) {
        await withTimeout(app.get(WorkQueue, { strict: false }).queue.obliterate({ force: true }), 2000, 'cleaning up').catch(() => undefined);
      }
      await app.close();
      if (!options.keepFiles) {
        rmSync(dir, { recursive: true, force: true });
        await postgresDatabases.get(dir)?.drop();
        postgresDatabases.delete(dir);
      }
    },
  };
  return self;
}

/** PZ_E2E_STORE=postgres: every test app on a PostgreSQL database of its own (kept across a restart). */
const postgresDatabases = new Map<string, TemporaryDatabase>();

async function postgresFor(dir: string, env: Record<string, string>): Promise<Record<string, string>> {
  if (process.env.PZ_E2E_STORE !== 'postgres' || env.EVENT_STORE) return {};
  let database = postgresDatabases.get(dir);
  if (!database) {
    database = await createTemporaryDatabase();
    postgresDatabases.set(dir, database);
  }
  return { EVENT_STORE: 'postgres', DATABASE_URL: database.url };
}

/**
 * The routes as Fastify registers them, listed as they are added. Fastify adds a HEAD route beside
 * each GET (as Express answered HEAD for every GET); those are not listed.
 */
function recordRoutes(app: NestFastifyApplication): { routes: string[]; pageRoutes: string[] } {
  const routes: string[] = [];
  const pageRoutes: string[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (route.url.startsWith('/assets/')) return;
      const list = (route.config as { page?: boolean } | undefined)?.page ? pageRoutes : routes;
      for (const method of [route.method].flat()) {
        if (method === 'HEAD' && list.includes(`GET ${route.url}`)) continue;
        list.push(`${method} ${route.url}`);
      }
    });
  return { routes, pageRoutes };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
