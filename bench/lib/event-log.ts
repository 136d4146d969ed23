import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { chainHash, GENESIS_HASH, SqliteEventStore } from '@pz/event-store';
import { GrantHistory, TimedEvent } from './grant-history';
import { seeded } from './random';

/** Bump when the history changes shape, so a cached log is written again. */
const HISTORY_VERSION = 1;

/**
 * RFC 8785 canonical JSON for the plain data events carry (no toJSON, no undefined in arrays),
 * several times faster than the general library. Every thousandth event is checked against
 * the store's own chainHash, so a difference cannot go unnoticed.
 */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonical(value[i]);
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + canonical(v);
    first = false;
  }
  return out + '}';
}

class MinHeap {
  private readonly items: { e: TimedEvent; seq: number }[] = [];
  private seq = 0;
  get size(): number {
    return this.items.length;
  }
  peek(): TimedEvent | undefined {
    return this.items[0]?.e;
  }
  push(e: TimedEvent): void {
    const items = this.items;
    items.push({ e, seq: this.seq++ });
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(items[i], items[p])) break;
      [items[i], items[p]] = [items[p], items[i]];
      i = p;
    }
  }
  pop(): TimedEvent {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(items[l], items[m])) m = l;
        if (r < items.length && this.less(items[r], items[m])) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top.e;
  }
  private less(a: { e: TimedEvent; seq: number }, b: { e: TimedEvent; seq: number }): boolean {
    return a.e.at < b.e.at || (a.e.at === b.e.at && a.seq < b.seq);
  }
}

export interface LogSummary {
  path: string;
  events: number;
  byType: Record<string, number>;
  cached: boolean;
}

/**
 * A log of `total` events in a store file, exactly as the adapter would have stored them
 * (positions, revisions, hash chain), written with raw inserts because appending a million
 * events one command at a time would take longer than the benchmark itself. Rounds overlap in
 * time as they do in life (one is taking applications while earlier ones are in monitoring),
 * so a stream's events are spread across the log, not bunched.
 */
export function grantLog(path: string, total: number, seed = 2024): LogSummary {
  const final = `${path.replace(/\.sqlite$/, '')}-v${HISTORY_VERSION}-${total}.sqlite`;
  if (existsSync(final)) {
    const db = new Database(final, { readonly: true });
    const rows = db.prepare('SELECT type, count(*) AS n FROM events GROUP BY type').all() as { type: string; n: number }[];
    db.close();
    const byType = Object.fromEntries(rows.map((r) => [r.type, r.n]));
    return { path: final, events: rows.reduce((s, r) => s + r.n, 0), byType, cached: true };
  }
  mkdirSync(dirname(final), { recursive: true });
  const partial = `${final}.partial`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
  // The adapter creates the schema, so the file is one the service can open.
  void new SqliteEventStore({ path: partial }).close();
  const db = new Database(partial);
  // A half-written file is thrown away, so it needs no journal; the finished one is WAL again.
  db.pragma('journal_mode = OFF');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const insert = db.prepare(
    `INSERT INTO events (position, id, stream_id, revision, type, data, metadata, recorded_at, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const history = new GrantHistory({ rand: seeded(seed), start: Date.UTC(2000, 3, 3) });
  const revisions = new Map<string, number>();
  const byType: Record<string, number> = {};
  const heap = new MinHeap();
  let position = 0;
  let prev = GENESIS_HASH;
  let pending: TimedEvent[] = [];

  const write = () =>
    db.transaction(() => {
      for (const { at, streamId, event } of pending) {
        position += 1;
        const revision = (revisions.get(streamId) ?? -1) + 1;
        revisions.set(streamId, revision);
        const recordedAt = new Date(at).toISOString();
        const fields = { id: event.id, streamId, revision, position, type: event.type, data: event.data, metadata: event.metadata, recordedAt };
        const hash = createHash('sha256')
          .update(prev)
          .update(canonical({ ...fields }))
          .digest('hex');
        if (position % 1000 === 1 && hash !== chainHash(prev, fields)) {
          throw new Error(`canonical form differs from the store's at position ${position}`);
        }
        insert.run(position, event.id, streamId, revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata), recordedAt, prev, hash);
        prev = hash;
        byType[event.type] = (byType[event.type] ?? 0) + 1;
      }
      pending = [];
    })();

  let written = 0;
  const take = (e: TimedEvent) => {
    pending.push(e);
    written += 1;
    if (pending.length >= 10_000) write();
  };
  for (let round = 0; written < total; round++) {
    // Nothing later can come before this round's first moment: what is older is final.
    const horizon = history.roundStart(round);
    while (heap.size > 0 && heap.peek()!.at < horizon && written < total) take(heap.pop());
    if (written >= total) break;
    for (const e of history.round(round)) heap.push(e);
    // Safety net for a shape change that would make the horizon wrong.
    if (round > 100_000) throw new Error('history does not reach the requested size');
  }
  write();
  db.pragma('locking_mode = NORMAL');
  db.pragma('journal_mode = WAL');
  db.close();
  renameSync(partial, final);
  for (const suffix of ['-wal', '-shm']) rmSync(partial + suffix, { force: true });
  return { path: final, events: position, byType, cached: false };
}
