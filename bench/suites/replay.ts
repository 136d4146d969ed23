/**
 * Item 3: rebuild every read model of the app from a long log.
 *
 *   --mode rebuild   ProjectionRunner.rebuild() on a copy of the log, read models in the same
 *                    file as the events (what the service does when a projection's version is
 *                    bumped, or rm_docs is deleted while stopped)
 *   --mode scratch   replayIntoScratch() into an in-memory database (what the audit replay uses)
 *   --mode raw       the floor: raw better-sqlite3 scan of the whole log, parsing each event
 *
 * One mode per process, so the peak RSS reported is that mode's alone. `--batch` and
 * `--cached-documents` override the runner's defaults, for trying other trade-offs.
 */
import { copyFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@pz/event-store';
import { ProjectionRunner, replayIntoScratch, SqliteReadModelStore } from '@pz/projections';
import { openSqliteConnections } from '@pz/platform/store/open-stores';
import type { AppConfig } from '@pz/platform';
import { applicationsProjection } from '@pz/applications/applications.projection';
import { roundsProjection } from '@pz/rounds/rounds.projection';
import { subscriptionsProjection } from '@pz/subscriptions/subscriptions.projection';
import { log, option, peakRssMb, report, textOption } from '../lib/child';

const PROJECTIONS = [roundsProjection, applicationsProjection, subscriptionsProjection];

async function main(): Promise<void> {
  const source = textOption('log', '');
  const mode = textOption('mode', 'rebuild');
  if (!source) throw new Error('--log <file> is required');

  if (mode === 'raw') {
    const db = new Database(source, { readonly: true });
    const stmt = db.prepare('SELECT position, stream_id, revision, type, data, metadata FROM events ORDER BY position');
    const started = performance.now();
    let events = 0;
    let checksum = 0;
    for (const row of stmt.iterate() as IterableIterator<{ type: string; data: string; metadata: string; position: number }>) {
      const data = JSON.parse(row.data) as Record<string, unknown>;
      const metadata = JSON.parse(row.metadata) as { occurredAt: string };
      // Touch what was parsed, so the work cannot be skipped.
      checksum += (data ? 1 : 0) + metadata.occurredAt.length;
      events += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    db.close();
    report({ events, seconds, eventsPerSecond: events / seconds, peakRssMb: peakRssMb(), checksum });
    return;
  }

  if (mode === 'scratch') {
    const store = new SqliteEventStore({ path: source });
    const head = await store.headPosition();
    const started = performance.now();
    const { documents, events } = await replayIntoScratch(store, PROJECTIONS, head);
    const seconds = (performance.now() - started) / 1000;
    const docs = documents.snapshot(PROJECTIONS.flatMap((p) => p.collections)).size;
    await store.close();
    report({ events, seconds, eventsPerSecond: events / seconds, docs, peakRssMb: peakRssMb() });
    return;
  }

  // A copy, because rebuilding writes read models into the file and the log is reused.
  const path = textOption('scratch', `${source}.rebuild.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  copyFileSync(source, path);
  try {
    const store = new SqliteEventStore({ path });
    const { readModels: db, records } = openSqliteConnections({ sqlitePath: path } as AppConfig);
    records.close();
    const runner = new ProjectionRunner(store, new SqliteReadModelStore(db), PROJECTIONS, { batchSize: option('batch', 0) || undefined, cachedDocuments: option('cached-documents', 0) || undefined, onError: (e) => log(`projection error: ${String(e)}`) });
    const head = await store.headPosition();
    const started = performance.now();
    await runner.rebuild();
    const seconds = (performance.now() - started) / 1000;
    const docs = (db.prepare('SELECT count(*) AS n FROM rm_docs').get() as { n: number }).n;
    await runner.stop();
    db.close();
    await store.close();
    report({ events: head, seconds, eventsPerSecond: head / seconds, docs, peakRssMb: peakRssMb() });
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
