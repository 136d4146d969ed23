// Child process for the flat-memory export test: runs the real service, fills its log with
// 100,000 events, downloads GET /audit/events as NDJSON while measuring the heap after forced
// garbage collections (so only memory still held counts), and prints what it saw as JSON.
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_STORE, EventStore, NewEvent } from '@pz/event-store';
import { startTestApp } from './test-app';

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  if (!gc) throw new Error('run with --expose-gc');
  const t = await startTestApp();
  try {
    const store = t.app.get<EventStore>(EVENT_STORE);
    for (let n = 0; n < 200; n++) {
      const events: NewEvent[] = Array.from({ length: 500 }, (_, i) => ({
        id: `00000000-0000-4000-8000-${String(n * 500 + i).padStart(12, '0')}`,
        type: 'LoadTest',
        data: { n: n * 500 + i, note: 'x'.repeat(200) },
        metadata: { actor: { sub: 'bench', role: 'system' }, occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c', causationId: null, schemaVersion: 1 },
      }));
      await store.append(`load-${n % 50}`, events, 'any');
    }
    const server = t.app.getHttpServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const token = t.token({ role: 'auditor', sub: 'a' });

    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      gc();
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 100);
    let lines = 0;
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/audit/events', headers: { Accept: 'application/x-ndjson', Authorization: `Bearer ${token}` } }, (res) => {
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (const b of chunk) if (b === 10) lines += 1;
        });
        res.on('end', resolve);
        res.on('error', reject);
      }).on('error', reject);
    });
    clearInterval(sampler);
    server.close();
    process.stdout.write(`${JSON.stringify({ lines, bytes, baseline, peak })}\n`);
  } finally {
    await t.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
