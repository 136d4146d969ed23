/**
 * Item 4: the same append and read workloads on the Emmett SQLite event store
 * (@event-driven-io/emmett-sqlite, installed in bench/peer), in this run, taking turns with ours.
 *
 * Emmett is used as its documentation shows: getSQLiteEventStore({ fileName }), appendToStream
 * with an expected stream version, aggregateStream with the same evolve as ours. It opens a
 * connection per operation by default; that, and node-sqlite3's thread-pool round trips, are
 * most of its cost. Emmett appends a few hundred events a second here, so the workload is a
 * tenth of item 1's (same shape: one event per append, round-robin over the streams).
 */
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@pz/event-store';
import { applicationDecider, ApplicationEvent, ApplicationState } from '@pz/applications/domain';
import { flag, log, option, report, ROOT } from '../lib/child';
import { add, none, rate, streamWorkload, timed } from '../lib/workload';

const quick = flag('quick');
const STREAMS = option('streams', quick ? 50 : 200);
const PER_STREAM = option('per-stream', 10);
const READ_PASSES = option('read-passes', quick ? 2 : 5);

interface EmmettEvent {
  type: string;
  data: unknown;
  metadata?: unknown;
}
interface EmmettStore {
  appendToStream(stream: string, events: EmmettEvent[], options?: { expectedStreamVersion?: bigint }): Promise<{ nextExpectedStreamVersion: bigint }>;
  aggregateStream<S>(stream: string, options: { evolve(state: S, event: EmmettEvent): S; initialState(): S }): Promise<{ state: S }>;
}

function loadEmmett(): { getSQLiteEventStore(options: { fileName: string }): EmmettStore; version: string } | null {
  const manifest = join(ROOT, 'bench', 'peer', 'package.json');
  if (!existsSync(join(ROOT, 'bench', 'peer', 'node_modules', '@event-driven-io', 'emmett-sqlite'))) return null;
  const peerRequire = createRequire(manifest);
  try {
    const emmett = peerRequire('@event-driven-io/emmett-sqlite');
    const { version } = JSON.parse(
      readFileSync(join(ROOT, 'bench', 'peer', 'node_modules', '@event-driven-io', 'emmett-sqlite', 'package.json'), 'utf8'),
    ) as { version: string };
    return { getSQLiteEventStore: emmett.getSQLiteEventStore, version };
  } catch (error) {
    log(`Emmett SQLite is installed but does not load: ${String(error)}`);
    return null;
  }
}

/**
 * Emmett's default store now and then fails a lone append with "SQLITE_BUSY: cannot commit
 * transaction - SQL statements in progress" (its connection-per-call pool); the transaction is
 * rolled back, so the append is tried again, and the failures are counted and reported.
 */
let emmettFailures = 0;
async function withRetries<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      emmettFailures += 1;
      if (attempt >= 5) throw error;
    }
  }
}

/**
 * Its node-sqlite3 driver now and then emits an 'error' on a statement nobody listens to ("cannot
 * change into wal mode from within a transaction", from the connection-per-call pool), which
 * would kill the process: the row then says Emmett failed, and why, instead of failing the run.
 */
function reportPeerCrashes(): void {
  process.on('uncaughtException', (error) => {
    log(`Emmett crashed the process: ${String(error)}`);
    report({ available: false, reason: `Emmett crashed: ${String(error)}` });
    process.exit(0);
  });
}

async function main(): Promise<void> {
  reportPeerCrashes();
  const emmettModule = loadEmmett();
  if (!emmettModule) {
    report({ available: false });
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pz-bench-peer-'));
  try {
    await compare(emmettModule, dir);
  } catch (error) {
    log(`Emmett failed even after retries: ${String(error)}`);
    report({ available: false, reason: `Emmett failed: ${String(error)}` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function compare(emmettModule: NonNullable<ReturnType<typeof loadEmmett>>, dir: string): Promise<void> {
  const w = streamWorkload(STREAMS, PER_STREAM, 11);
  const emmett = emmettModule.getSQLiteEventStore({ fileName: join(dir, 'emmett.sqlite') });
  const ours = new SqliteEventStore({ path: join(dir, 'ours.sqlite') });
  let emmettAppend = none;
  let oursAppend = none;
  for (let k = 0; k < PER_STREAM; k++) {
    const emmettChunk = () =>
      timed(STREAMS, async () => {
        for (let s = 0; s < STREAMS; s++) {
          const e = w.events[s][k];
          await withRetries(() => emmett.appendToStream(w.streams[s], [{ type: e.type, data: e.data, metadata: e.metadata }], { expectedStreamVersion: BigInt(k) }));
        }
      });
    const oursChunk = () =>
      timed(STREAMS, async () => {
        for (let s = 0; s < STREAMS; s++) await ours.append(w.streams[s], [w.events[s][k]], k === 0 ? 'no_stream' : k - 1);
      });
    if (k % 2 === 0) {
      emmettAppend = add(emmettAppend, await emmettChunk());
      oursAppend = add(oursAppend, await oursChunk());
    } else {
      oursAppend = add(oursAppend, await oursChunk());
      emmettAppend = add(emmettAppend, await emmettChunk());
    }
  }
  log(`append: emmett ${Math.round(rate(emmettAppend))}/s, ours ${Math.round(rate(oursAppend))}/s`);

  const evolve = (state: ApplicationState, e: { type: string; data: unknown }) =>
    applicationDecider.evolve(state, { type: e.type, data: e.data } as ApplicationEvent);
  let emmettRead = none;
  let oursRead = none;
  let sink = 0;
  const events = STREAMS * PER_STREAM;
  for (let pass = 0; pass < READ_PASSES; pass++) {
    emmettRead = add(
      emmettRead,
      await timed(events, async () => {
        for (const stream of w.streams) {
          const { state } = await withRetries(() => emmett.aggregateStream(stream, { evolve, initialState: applicationDecider.initialState }));
          sink += state.status ? 1 : 0;
        }
      }),
    );
    oursRead = add(
      oursRead,
      await timed(events, async () => {
        for (const stream of w.streams) {
          let state = applicationDecider.initialState();
          for (const e of await ours.readStream(stream)) state = evolve(state, e);
          sink += state.status ? 1 : 0;
        }
      }),
    );
  }
  log(`read + fold: emmett ${Math.round(rate(emmettRead))}/s, ours ${Math.round(rate(oursRead))}/s (${sink})`);
  await ours.close();
  report({
    available: true,
    version: emmettModule.version,
    appends: events,
    emmettAppendPerSecond: rate(emmettAppend),
    oursAppendPerSecond: rate(oursAppend),
    emmettReadPerSecond: rate(emmettRead),
    oursReadPerSecond: rate(oursRead),
    emmettFailures,
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
