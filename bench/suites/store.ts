/**
 * Items 1 and 2: the SQLite adapter against raw better-sqlite3, both sides in this one process,
 * taking turns chunk by chunk so that disk and CPU noise (fsync latency here varies several-fold
 * from minute to minute) falls on both alike.
 *
 * Append: `streams` streams × `perStream` events, one event per append with the expected
 * revision. Chunk k appends event k to every stream. Per chunk, in rotating order:
 *   raw-full     RawStore, synchronous=FULL, one append after another
 *   raw-normal   RawStore, synchronous=NORMAL (context only: weaker durability than ours)
 *   ours         SqliteEventStore (synchronous=FULL), one append after another (awaited)
 *   ours-64      SqliteEventStore, 64 appends in flight (group commit), its own file
 *
 * Read: every stream read and folded through applicationDecider.evolve (ours: readStreamData,
 * the way executeCommand loads an aggregate it does not hold) against a raw query + JSON.parse
 * of each payload (the target's baseline), and, for context, our readStream (whole events)
 * folded the same way against a raw read of every column with payload and metadata parsed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExpectedRevision, SqliteEventStore } from '@pz/event-store';
import { applicationDecider, ApplicationEvent } from '@pz/applications/domain';
import { flag, log, option, report } from '../lib/child';
import { RawStore } from '../lib/raw-store';
import { add, none, rate, StreamWorkload, streamWorkload, timed, Timed } from '../lib/workload';

const quick = flag('quick');
const STREAMS = option('streams', quick ? 300 : 2000);
const PER_STREAM = option('per-stream', 10);
const IN_FLIGHT = option('in-flight', 64);
const READ_PASSES = option('read-passes', quick ? 3 : 10);

type Side = 'raw-full' | 'raw-normal' | 'ours' | 'ours-64';

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pz-bench-store-'));
  try {
    const w = streamWorkload(STREAMS, PER_STREAM);
    const raw = new RawStore(join(dir, 'raw-full.sqlite'), 'FULL');
    const rawNormal = new RawStore(join(dir, 'raw-normal.sqlite'), 'NORMAL');
    const ours = new SqliteEventStore({ path: join(dir, 'ours.sqlite') });
    const ours64 = new SqliteEventStore({ path: join(dir, 'ours-64.sqlite') });
    const totals: Record<Side, Timed> = { 'raw-full': none, 'raw-normal': none, ours: none, 'ours-64': none };
    const sides: Record<Side, (k: number) => Promise<Timed>> = {
      'raw-full': (k) => timed(STREAMS, () => { for (let s = 0; s < STREAMS; s++) raw.append(w.streams[s], w.events[s][k], k - 1); }),
      'raw-normal': (k) => timed(STREAMS, () => { for (let s = 0; s < STREAMS; s++) rawNormal.append(w.streams[s], w.events[s][k], k - 1); }),
      ours: (k) => timed(STREAMS, () => appendSequentially(ours, w, k)),
      'ours-64': (k) => timed(STREAMS, () => appendInFlight(ours64, w, k, IN_FLIGHT)),
    };
    const order: Side[] = ['raw-full', 'ours', 'ours-64', 'raw-normal'];
    for (let k = 0; k < PER_STREAM; k++) {
      for (let i = 0; i < order.length; i++) {
        const side = order[(i + k) % order.length];
        totals[side] = add(totals[side], await sides[side](k));
      }
      log(`append chunk ${k + 1}/${PER_STREAM}: ${order.map((s) => `${s} ${Math.round(rate(totals[s]))}/s`).join(', ')}`);
    }

    // Read and fold, taking turns pass by pass.
    let rawRead = none;
    let rawFullRead = none;
    let oursRead = none;
    let oursWholeRead = none;
    let sink = 0;
    const events = STREAMS * PER_STREAM;
    for (let pass = 0; pass < READ_PASSES; pass++) {
      const rawPass = () =>
        timed(events, () => {
          for (const stream of w.streams) sink += raw.read(stream).length;
        });
      const oursPass = () =>
        timed(events, async () => {
          for (const stream of w.streams) {
            const history = await ours.readStreamData(stream);
            let state = applicationDecider.initialState();
            for (const e of history) state = applicationDecider.evolve(state, e as ApplicationEvent);
            sink += state.status ? 1 : 0;
          }
        });
      const oursWholePass = () =>
        timed(events, async () => {
          for (const stream of w.streams) {
            const history = await ours.readStream(stream);
            let state = applicationDecider.initialState();
            for (const e of history) state = applicationDecider.evolve(state, { type: e.type, data: e.data } as ApplicationEvent);
            sink += state.status ? 1 : 0;
          }
        });
      const rawFullPass = () =>
        timed(events, () => {
          for (const stream of w.streams) {
            let state = applicationDecider.initialState();
            for (const e of raw.readFull(stream)) state = applicationDecider.evolve(state, e as ApplicationEvent);
            sink += state.status ? 1 : 0;
          }
        });
      if (pass % 2 === 0) {
        rawRead = add(rawRead, await rawPass());
        oursRead = add(oursRead, await oursPass());
        rawFullRead = add(rawFullRead, await rawFullPass());
        oursWholeRead = add(oursWholeRead, await oursWholePass());
      } else {
        oursWholeRead = add(oursWholeRead, await oursWholePass());
        rawFullRead = add(rawFullRead, await rawFullPass());
        oursRead = add(oursRead, await oursPass());
        rawRead = add(rawRead, await rawPass());
      }
    }
    log(
      `read: raw ${Math.round(rate(rawRead))}/s, ours ${Math.round(rate(oursRead))}/s; ` +
        `raw whole event + fold ${Math.round(rate(rawFullRead))}/s, ours whole ${Math.round(rate(oursWholeRead))}/s (${sink})`,
    );

    raw.close();
    rawNormal.close();
    await ours.close();
    await ours64.close();
    report({
      appends: STREAMS * PER_STREAM,
      streams: STREAMS,
      rawFullPerSecond: rate(totals['raw-full']),
      rawNormalPerSecond: rate(totals['raw-normal']),
      oursPerSecond: rate(totals.ours),
      ours64PerSecond: rate(totals['ours-64']),
      inFlight: IN_FLIGHT,
      rawReadPerSecond: rate(rawRead),
      rawFullReadPerSecond: rate(rawFullRead),
      oursReadPerSecond: rate(oursRead),
      oursWholeReadPerSecond: rate(oursWholeRead),
      readEvents: events * READ_PASSES,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function appendSequentially(store: SqliteEventStore, w: StreamWorkload, k: number): Promise<void> {
  const expected: ExpectedRevision = k === 0 ? 'no_stream' : k - 1;
  for (let s = 0; s < w.streams.length; s++) {
    const result = await store.append(w.streams[s], [w.events[s][k]], expected);
    if (result.nextExpectedRevision !== k) throw new Error('unexpected revision');
  }
}

/** `inFlight` callers, each appending to its own share of the streams, one await at a time. */
async function appendInFlight(store: SqliteEventStore, w: StreamWorkload, k: number, inFlight: number): Promise<void> {
  const expected: ExpectedRevision = k === 0 ? 'no_stream' : k - 1;
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let s = next++; s < w.streams.length; s = next++) {
        await store.append(w.streams[s], [w.events[s][k]], expected);
      }
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
