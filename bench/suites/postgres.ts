/**
 * PostgreSQL: our event store against raw pg inserts (the floor) and against Emmett's PostgreSQL
 * store (@event-driven-io/emmett-postgresql, installed in bench/peer), on one fresh database of
 * the same server, in this run, taking turns.
 *
 *   raw sequential    one INSERT per event, autocommit: one commit (one WAL flush) each
 *   raw 64 in flight  the same from 64 connections at once: what the server gives concurrency
 *   ours              PgEventStore.append, one event per append with its expected revision,
 *                     round-robin over the streams; sequential, then 64 in flight (group commit)
 *   Emmett            appendToStream with the expected stream version, one at a time, as its
 *                     documentation shows; reads with aggregateStream and our evolve
 *   reads             readStreamData + fold (what commands do) against a raw SELECT + JSON.parse + fold
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { applicationDecider, ApplicationEvent, ApplicationState } from '@pz/applications/domain';
import { PgEventStore } from '@pz/event-store/postgres/pg-event-store';
import { createTemporaryDatabase, postgresUnavailableReason } from '@pz/event-store/postgres/testing/temporary-postgres';
import { openPgPool } from '@pz/event-store/postgres/pg-pool';
import { flag, log, option, report, ROOT } from '../lib/child';
import { add, none, rate, streamWorkload, timed, Timed } from '../lib/workload';

const quick = flag('quick');
const STREAMS = option('streams', quick ? 100 : 500);
const PER_STREAM = option('per-stream', 10);
const IN_FLIGHT = 64;
const READ_PASSES = option('read-passes', quick ? 2 : 5);

interface EmmettEvent {
  type: string;
  data: unknown;
  metadata?: unknown;
}
interface EmmettStore {
  appendToStream(stream: string, events: EmmettEvent[], options?: { expectedStreamVersion?: bigint }): Promise<unknown>;
  aggregateStream<S>(stream: string, options: { evolve(state: S, event: EmmettEvent): S; initialState(): S }): Promise<{ state: S }>;
  close?(): Promise<void>;
}

function loadEmmett(): { getPostgreSQLEventStore(connectionString: string): EmmettStore; version: string } | null {
  const dir = join(ROOT, 'bench', 'peer', 'node_modules', '@event-driven-io', 'emmett-postgresql');
  if (!existsSync(dir)) return null;
  try {
    const emmett = createRequire(join(ROOT, 'bench', 'peer', 'package.json'))('@event-driven-io/emmett-postgresql');
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
    return { getPostgreSQLEventStore: emmett.getPostgreSQLEventStore, version };
  } catch (error) {
    log(`Emmett PostgreSQL is installed but does not load: ${String(error)}`);
    return null;
  }
}

/** `count` tasks from `workers` at once; task i runs once. */
async function inFlight(count: number, workers: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    for (let i = next++; i < count; i = next++) await task(i);
  }));
}

async function main(): Promise<void> {
  const unavailable = postgresUnavailableReason();
  if (unavailable) {
    report({ available: false, reason: unavailable });
    return;
  }
  const database = await createTemporaryDatabase();
  const pool = openPgPool(database.url, { max: IN_FLIGHT });
  try {
    await measure(database.url, pool);
  } finally {
    await pool.end();
    await database.drop();
  }
}

async function measure(url: string, pool: Pool): Promise<void> {
  const events = STREAMS * PER_STREAM;
  await pool.query(`CREATE TABLE raw_events (position BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
    type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, UNIQUE (stream_id, revision))`);
  const rawInsert = (e: { id: string; type: string; data: unknown; metadata: unknown }, stream: string, revision: number) =>
    pool.query('INSERT INTO raw_events (id, stream_id, revision, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6)', [
      e.id, stream, revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata),
    ]);

  const ours = await PgEventStore.open({ pool });
  const emmettModule = loadEmmett();
  const emmett = emmettModule?.getPostgreSQLEventStore(url) ?? null;

  // Sequential appends, taking turns chunk by chunk: raw, ours, Emmett.
  const seq = streamWorkload(STREAMS, PER_STREAM, 21);
  const rawSeq = streamWorkload(STREAMS, PER_STREAM, 22);
  const emmettSeq = streamWorkload(STREAMS, PER_STREAM, 23);
  let rawAppend = none;
  let oursAppend = none;
  let emmettAppend = none;
  for (let k = 0; k < PER_STREAM; k++) {
    const turns: [string, () => Promise<Timed>][] = [
      ['raw', () => timed(STREAMS, async () => { for (let s = 0; s < STREAMS; s++) await rawInsert(rawSeq.events[s][k], rawSeq.streams[s], k); })],
      ['ours', () => timed(STREAMS, async () => { for (let s = 0; s < STREAMS; s++) await ours.append(seq.streams[s], [seq.events[s][k]], k === 0 ? 'no_stream' : k - 1); })],
    ];
    if (emmett) {
      turns.push(['emmett', () => timed(STREAMS, async () => {
        for (let s = 0; s < STREAMS; s++) {
          const e = emmettSeq.events[s][k];
          await emmett.appendToStream(emmettSeq.streams[s], [{ type: e.type, data: e.data as object, metadata: e.metadata as object }], { expectedStreamVersion: BigInt(k) });
        }
      })]);
    }
    for (let t = 0; t < turns.length; t++) {
      const [name, run] = turns[(t + k) % turns.length];
      const result = await run();
      if (name === 'raw') rawAppend = add(rawAppend, result);
      else if (name === 'ours') oursAppend = add(oursAppend, result);
      else emmettAppend = add(emmettAppend, result);
    }
  }
  log(`sequential appends: raw ${Math.round(rate(rawAppend))}/s, ours ${Math.round(rate(oursAppend))}/s${emmett ? `, emmett ${Math.round(rate(emmettAppend))}/s` : ''}`);

  // 64 in flight: raw from 64 connections; ours from one process whose appends queue and group-commit.
  const rawMany = streamWorkload(STREAMS, PER_STREAM, 24);
  const many = streamWorkload(STREAMS, PER_STREAM, 25);
  let raw64 = none;
  let ours64 = none;
  for (let k = 0; k < PER_STREAM; k++) {
    raw64 = add(raw64, await timed(STREAMS, () => inFlight(STREAMS, IN_FLIGHT, async (s) => void (await rawInsert(rawMany.events[s][k], rawMany.streams[s], k)))));
    ours64 = add(ours64, await timed(STREAMS, () => inFlight(STREAMS, IN_FLIGHT, async (s) => void (await ours.append(many.streams[s], [many.events[s][k]], k === 0 ? 'no_stream' : k - 1)))));
  }
  log(`${IN_FLIGHT} in flight: raw ${Math.round(rate(raw64))}/s, ours ${Math.round(rate(ours64))}/s`);

  // Reads: each stream read and folded, as a command loads an aggregate.
  const evolve = (state: ApplicationState, e: { type: string; data: unknown }) => applicationDecider.evolve(state, { type: e.type, data: e.data } as ApplicationEvent);
  let rawRead = none;
  let oursRead = none;
  let emmettRead = none;
  let sink = 0;
  for (let pass = 0; pass < READ_PASSES; pass++) {
    rawRead = add(rawRead, await timed(events, async () => {
      for (const stream of rawSeq.streams) {
        const { rows } = await pool.query<[string, string]>({ text: 'SELECT type, data FROM raw_events WHERE stream_id = $1 ORDER BY revision', values: [stream], rowMode: 'array' });
        let state = applicationDecider.initialState();
        for (const [type, data] of rows) state = evolve(state, { type, data: JSON.parse(data) });
        sink += state.status ? 1 : 0;
      }
    }));
    oursRead = add(oursRead, await timed(events, async () => {
      for (const stream of seq.streams) {
        let state = applicationDecider.initialState();
        for (const e of await ours.readStreamData(stream)) state = evolve(state, e);
        sink += state.status ? 1 : 0;
      }
    }));
    if (emmett) {
      emmettRead = add(emmettRead, await timed(events, async () => {
        for (const stream of emmettSeq.streams) {
          const { state } = await emmett.aggregateStream(stream, { evolve, initialState: applicationDecider.initialState });
          sink += state.status ? 1 : 0;
        }
      }));
    }
  }
  log(`read + fold: raw ${Math.round(rate(rawRead))}/s, ours ${Math.round(rate(oursRead))}/s${emmett ? `, emmett ${Math.round(rate(emmettRead))}/s` : ''} (${sink})`);
  const verified = await ours.verifyChain();
  if (!verified.ok) throw new Error(`our chain does not verify after the benchmark: ${verified.reason}`);
  await ours.close();
  await emmett?.close?.();
  report({
    available: true,
    emmett: emmettModule ? emmettModule.version : null,
    appends: events,
    rawSequentialPerSecond: rate(rawAppend),
    raw64PerSecond: rate(raw64),
    oursSequentialPerSecond: rate(oursAppend),
    ours64PerSecond: rate(ours64),
    emmettAppendPerSecond: emmett ? rate(emmettAppend) : null,
    rawReadPerSecond: rate(rawRead),
    oursReadPerSecond: rate(oursRead),
    emmettReadPerSecond: emmett ? rate(emmettRead) : null,
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
