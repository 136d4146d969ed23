import 'reflect-metadata';
import { chromium } from 'playwright-core';
import { createHttpApp, loadConfig } from '@pz/platform';
import { ServerModule } from '../apps/server/src/server.module';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'pzshots-'));
  const config = loadConfig({ NODE_ENV: 'development', AUTH_JWT_SECRET: 'x'.repeat(40), SQLITE_PATH: join(dir, 'g.sqlite'), OUTBOX_DIR: join(dir, 'o'), QUEUE_PREFIX: 'pzshots' });
  const app = await createHttpApp(ServerModule.forRoot(config), config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const paths = (process.env.SHOT_PATHS ?? '/,/funding,/alerts,/eligibility/zone?asked=zone').split(',');
  for (const width of [1024, 320]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const p of paths) {
      await page.goto(base + p);
      await page.screenshot({ path: `/tmp/shots/${p.replace(/[^a-z0-9]+/gi, '_') || 'root'}-${width}.png`, fullPage: true });
    }
  }
  await browser.close();
  await app.close();
  process.exit(0);
}
void main();
