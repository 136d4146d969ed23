import { randomUUID } from 'node:crypto';
import {
  ConcurrencyError,
  EventStore,
  NewEvent,
  RecordedEvent,
} from '../event-store';

/**
 * One behavioural contract for every EventStore adapter. Each adapter's spec file calls this
 * with a factory; stream names are unique per test so a shared server (EventStoreDB) works too.
 */
export interface ContractSubject {
  store: EventStore;
  /** Closes this store and opens a new one on the same data (a restart). */
  reopen(): Promise<EventStore>;
  dispose(): Promise<void>;
}

export function newEvent(type = 'Thing', data: unknown = { n: 1 }, id = randomUUID()): NewEvent {
  return {
    id,
    type,
    data,
    metadata: {
      actor: { sub: 'contract-test', role: 'system' },
      occurredAt: '2026-01-01T00:00:00.000Z',
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
    },
  };
}

export function eventStoreContract(adapterName: string, open: () => Promise<ContractSubject>): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    const stream = (label: string) => `contract-${label}-${randomUUID()}`;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    describe('append with expected revision', () => {
      it('creates a stream at revision 0 with a positive global position', async () => {
        const s = stream('new');
        const result = await store.append(s, [newEvent()], 'no_stream');
        expect(result.nextExpectedRevision).toBe(0);
        expect(result.position).toBeGreaterThan(0);
        const events = await store.readStream(s);
        expect(events.map((e) => e.revision)).toEqual([0]);
        expect(events[0].position).toBe(result.position);
      });

      it('accepts the exact revision and returns the next one', async () => {
        const s = stream('exact');
        const first = await store.append(s, [newEvent(), newEvent()], 'no_stream');
        expect(first.nextExpectedRevision).toBe(1);
        const second = await store.append(s, [newEvent()], 1);
        expect(second.nextExpectedRevision).toBe(2);
        expect(second.position).toBeGreaterThan(first.position);
      });

      it('throws a ConcurrencyError naming the actual revision when the expected one is stale', async () => {
        const s = stream('stale');
        await store.append(s, [newEvent(), newEvent()], 'no_stream');
        const error = await store.append(s, [newEvent()], 0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect((error as ConcurrencyError).actual).toBe(1);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('refuses no_stream on an existing stream and exists on a missing one', async () => {
        const s = stream('exists');
        await expect(store.append(s, [newEvent()], 'exists')).rejects.toBeInstanceOf(ConcurrencyError);
        await store.append(s, [newEvent()], 'no_stream');
        await expect(store.append(s, [newEvent()], 'no_stream')).rejects.toBeInstanceOf(ConcurrencyError);
        await expect(store.append(s, [newEvent()], 'exists')).resolves.toMatchObject({ nextExpectedRevision: 1 });
        await expect(store.append(s, [newEvent()], 'any')).resolves.toMatchObject({ nextExpectedRevision: 2 });
      });

      it('lets exactly one of many concurrent writers at the same revision win', async () => {
        const s = stream('race');
        await store.append(s, [newEvent()], 'no_stream');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 12 }, (_, i) => store.append(s, [newEvent('Raced', { i })], 0)),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(11);
        for (const l of lost) expect(l.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.readStream(s)).toHaveLength(2);
      });
    });

    describe('idempotency and atomicity', () => {
      it('stores a re-appended event id once and returns the first result', async () => {
        const s = stream('idem');
        const events = [newEvent('A'), newEvent('B')];
        const first = await store.append(s, events, 'no_stream');
        const again = await store.append(s, events, 'no_stream');
        expect(again).toEqual(first);
        const stored = await store.readStream(s);
        expect(stored.map((e) => e.id)).toEqual(events.map((e) => e.id));
      });

      it('stores nothing of a multi-event append that fails part-way', async () => {
        const s = stream('atomic');
        await store.append(s, [newEvent('Before')], 'no_stream');
        // A BigInt cannot be serialised: the second event of three fails.
        const bad = [newEvent('One'), newEvent('Two', { n: BigInt(1) }), newEvent('Three')];
        await expect(store.append(s, bad, 0)).rejects.toThrow();
        const stored = await store.readStream(s);
        expect(stored.map((e) => e.type)).toEqual(['Before']);
        await expect(store.append(s, [newEvent('After')], 0)).resolves.toMatchObject({ nextExpectedRevision: 1 });
      });

      it('keeps other appends of the same moment when one of them conflicts', async () => {
        const a = stream('group-a');
        const b = stream('group-b');
        await store.append(a, [newEvent()], 'no_stream');
        const [ok, conflict, ok2] = await Promise.allSettled([
          store.append(b, [newEvent()], 'no_stream'),
          store.append(a, [newEvent()], 'no_stream'),
          store.append(b, [newEvent()], 0),
        ]);
        expect(ok.status).toBe('fulfilled');
        expect(conflict.status).toBe('rejected');
        expect(ok2.status).toBe('fulfilled');
        expect(await store.readStream(b)).toHaveLength(2);
        expect(await store.readStream(a)).toHaveLength(1);
      });
    });

    describe('reading', () => {
      it('reads a stream forwards from a revision, with the full envelope', async () => {
        const s = stream('read');
        const events = Array.from({ length: 5 }, (_, i) => newEvent('Counted', { i }));
        await store.append(s, events, 'no_stream');
        const tail = await store.readStream(s, { fromRevision: 2 });
        expect(tail.map((e) => (e.data as { i: number }).i)).toEqual([2, 3, 4]);
        const e = tail[0];
        expect(e).toMatchObject({
          id: events[2].id,
          type: 'Counted',
          streamId: s,
          revision: 2,
          metadata: events[2].metadata,
        });
        expect(Date.parse(e.recordedAt)).not.toBeNaN();
        expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(await store.readStream(stream('missing'))).toEqual([]);
      });

      it('reads the data a fold needs as readStream reads it, whole, from a revision or limited', async () => {
        const s = stream('data');
        await store.append(s, Array.from({ length: 5 }, (_, i) => newEvent('Counted', { i, nested: { at: [i] } })), 'no_stream');
        await store.append(stream('data-other'), [newEvent('Elsewhere')], 'no_stream');
        const lean = (events: { type: string; data: unknown; revision: number; position: number }[]) =>
          events.map(({ type, data, revision, position }) => ({ type, data, revision, position }));
        for (const options of [undefined, { fromRevision: 2 }, { maxCount: 2 }, { fromRevision: 1, maxCount: 3 }, { fromRevision: 9 }]) {
          const data = await store.readStreamData(s, options);
          expect(data).toEqual(lean(await store.readStream(s, options)));
          for (const e of data) expect(Object.keys(e).sort()).toEqual(['data', 'position', 'revision', 'type']);
        }
        expect((await store.readStreamData(s)).map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
        expect(await store.readStreamData(stream('missing'))).toEqual([]);
      });

      it('reads the global log in append order from a position', async () => {
        const a = stream('all-a');
        const b = stream('all-b');
        const start = await store.headPosition();
        await store.append(a, [newEvent('A0')], 'no_stream');
        await store.append(b, [newEvent('B0')], 'no_stream');
        await store.append(a, [newEvent('A1')], 0);
        const mine = (await readAllAfter(store, start)).filter((e) => e.streamId === a || e.streamId === b);
        expect(mine.map((e) => e.type)).toEqual(['A0', 'B0', 'A1']);
        const positions = mine.map((e) => e.position);
        expect([...positions].sort((x, y) => x - y)).toEqual(positions);
        expect(new Set(positions).size).toBe(3);

        const fromSecond = await store.readAll({ after: mine[0].position, maxCount: 1 });
        expect(fromSecond).toHaveLength(1);
        expect(fromSecond[0].position).toBeGreaterThan(mine[0].position);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(mine[2].position);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers history, then live appends, in order, from a position', async () => {
        const s = stream('sub');
        const start = await store.headPosition();
        await store.append(s, [newEvent('H0'), newEvent('H1')], 'no_stream');
        const seen: RecordedEvent[] = [];
        const sub = store.subscribeToAll({
          after: start,
          handle: (events) => {
            seen.push(...events.filter((e) => e.streamId === s));
          },
        });
        try {
          await waitUntil(() => seen.length === 2);
          await store.append(s, [newEvent('L2')], 1);
          await store.append(s, [newEvent('L3')], 2);
          await waitUntil(() => seen.length === 4);
          expect(seen.map((e) => e.type)).toEqual(['H0', 'H1', 'L2', 'L3']);
        } finally {
          await sub.stop();
        }

        const later: RecordedEvent[] = [];
        const resumed = store.subscribeToAll({
          after: seen[1].position,
          handle: (events) => {
            later.push(...events.filter((e) => e.streamId === s));
          },
        });
        try {
          await waitUntil(() => later.length === 2);
          expect(later.map((e) => e.type)).toEqual(['L2', 'L3']);
        } finally {
          await resumed.stop();
        }
      });

      it('redelivers a batch whose handler failed, so nothing is skipped', async () => {
        const s = stream('retry');
        const start = await store.headPosition();
        await store.append(s, [newEvent('Only')], 'no_stream');
        let attempts = 0;
        const delivered: string[] = [];
        const sub = store.subscribeToAll({
          after: start,
          onError: () => undefined,
          handle: (events) => {
            const mine = events.filter((e) => e.streamId === s);
            if (mine.length === 0) return;
            attempts += 1;
            if (attempts === 1) throw new Error('handler failed once');
            delivered.push(...mine.map((e) => e.type));
          },
        });
        try {
          await waitUntil(() => delivered.length === 1, 5000);
          expect(attempts).toBe(2);
        } finally {
          await sub.stop();
        }
      });
    });

    describe('checkpoints', () => {
      it('saves and loads a named checkpoint', async () => {
        const name = `cp-${randomUUID()}`;
        expect(await store.loadCheckpoint(name)).toBeNull();
        await store.saveCheckpoint(name, 42);
        await store.saveCheckpoint(name, 43);
        expect(await store.loadCheckpoint(name)).toBe(43);
      });
    });

    it('keeps acknowledged appends across close and reopen', async () => {
      const s = stream('durable');
      await store.append(s, [newEvent('Kept')], 'no_stream');
      store = await subject.reopen();
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['Kept']);
    });
  });
}

async function readAllAfter(store: EventStore, after: number): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let position = after;
  for (;;) {
    const batch = await store.readAll({ after: position, maxCount: 1000 });
    if (batch.length === 0) return out;
    out.push(...batch);
    position = batch[batch.length - 1].position;
  }
}

export async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
