import { randomUUID } from 'node:crypto';
import {
  ANY,
  AccessDeniedError,
  BACKWARDS,
  DeadlineExceededError,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type {
  AppendExpectedRevision,
  AppendResult as EsdbAppendResult,
  Direction,
  EventData,
  Position,
  ReadPosition,
  ReadRevision,
} from '@eventstore/db-client';
import {
  ConcurrencyError,
  DuplicateEventError,
  EventMetadata,
  RecordedEvent,
  StoreUnavailableError,
} from '../event-store';
import { chainHash, GENESIS_HASH } from '../hash-chain';
import { eventStoreContract, newEvent, waitUntil } from '../testing/event-store.contract';
import { concurrencyErrorFrom, toStoreError } from './esdb-errors';
import { EsdbClient, EsdbEventStore } from './esdb-event-store';
import {
  CHAIN_METADATA_KEY,
  esdbHashInput,
  toEsdbExpectedRevision,
  toRecorded,
  toStorableEvent,
  withChain,
  withoutChain,
} from './esdb-mapping';
import { isHiddenFromLog } from './esdb-reads';
import { expectValidStreamChain } from './testing/expect-valid-stream-chain';

// ---------------------------------------------------------------------------------------------
// Pure mapping between the port and ESDB.
// ---------------------------------------------------------------------------------------------

describe('EventStoreDB mapping', () => {
  describe('expected revision', () => {
    it('maps the port values to the client constants and revisions to bigints', () => {
      expect(toEsdbExpectedRevision('no_stream')).toBe(NO_STREAM);
      expect(toEsdbExpectedRevision('any')).toBe(ANY);
      expect(toEsdbExpectedRevision('exists')).toBe(STREAM_EXISTS);
      expect(toEsdbExpectedRevision(0)).toBe(0n);
      expect(toEsdbExpectedRevision(41)).toBe(41n);
    });

    it('reads -1 as "no events yet", as the SQLite adapter does, and refuses nonsense', () => {
      expect(toEsdbExpectedRevision(-1)).toBe(NO_STREAM);
      expect(() => toEsdbExpectedRevision(-2)).toThrow(RangeError);
      expect(() => toEsdbExpectedRevision(1.5)).toThrow(RangeError);
      expect(() => toEsdbExpectedRevision(Number.NaN)).toThrow(RangeError);
    });
  });

  describe('metadata', () => {
    const metadata = newEvent().metadata;

    it('adds the chain link under its own key and strips it back to the original metadata', () => {
      const stored = withChain(metadata, { hash: 'h'.repeat(64), prevHash: GENESIS_HASH });
      expect(stored[CHAIN_METADATA_KEY]).toEqual({ hash: 'h'.repeat(64), prevHash: GENESIS_HASH });
      expect(metadata).not.toHaveProperty(CHAIN_METADATA_KEY);
      const back = withoutChain(JSON.parse(JSON.stringify(stored)));
      expect(back).toEqual({ metadata, hash: 'h'.repeat(64), prevHash: GENESIS_HASH });
      expect(back.metadata).not.toHaveProperty(CHAIN_METADATA_KEY);
    });

    it('reads events written by someone else with empty hashes instead of failing', () => {
      expect(withoutChain({ foo: 1 })).toEqual({ metadata: { foo: 1 }, hash: '', prevHash: '' });
      expect(withoutChain(undefined)).toEqual({ metadata: {}, hash: '', prevHash: '' });
      expect(withoutChain({ [CHAIN_METADATA_KEY]: 'junk', a: 1 })).toEqual({ metadata: { a: 1 }, hash: '', prevHash: '' });
    });
  });

  describe('system event filtering', () => {
    it('hides ESDB system streams and types, and checkpoint streams', () => {
      expect(isHiddenFromLog('$stats-127.0.0.1:2113', '$statsCollected')).toBe(true);
      expect(isHiddenFromLog('$$grant-1', '$metadata')).toBe(true);
      expect(isHiddenFromLog('grant-1', '$>')).toBe(true);
      expect(isHiddenFromLog('pz-checkpoint-mailer', 'CheckpointSaved')).toBe(true);
    });

    it('keeps domain events, even with a $ or the checkpoint prefix later in the name', () => {
      expect(isHiddenFromLog('grant-1', 'ApplicationSubmitted')).toBe(false);
      expect(isHiddenFromLog('round-$1', 'Opened')).toBe(false);
      expect(isHiddenFromLog('x-pz-checkpoint-y', 'Thing')).toBe(false);
    });
  });

  describe('errors', () => {
    it('turns connection trouble into StoreUnavailableError, keeping the cause', () => {
      const unavailable = new UnavailableError(undefined, 'connect ECONNREFUSED');
      const mapped = toStoreError(unavailable);
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as StoreUnavailableError).cause).toBe(unavailable);
      expect(toStoreError(new DeadlineExceededError())).toBeInstanceOf(StoreUnavailableError);
      expect(toStoreError(new Error('Failed to discover after 10 attempts.'))).toBeInstanceOf(StoreUnavailableError);
      expect(toStoreError(Object.assign(new Error('raw grpc'), { code: 14 }))).toBeInstanceOf(StoreUnavailableError);
    });

    it('passes the port errors and unrelated failures through unchanged', () => {
      const concurrency = new ConcurrencyError('s', 0, 1);
      const denied = new AccessDeniedError();
      const bug = new TypeError('bug');
      expect(toStoreError(concurrency)).toBe(concurrency);
      expect(toStoreError(denied)).toBe(denied);
      expect(toStoreError(bug)).toBe(bug);
      expect(toStoreError('not even an error')).toBe('not even an error');
    });

    it('maps a wrong expected version to a ConcurrencyError naming the actual revision', () => {
      const atThree = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 3n });
      const fromThree = concurrencyErrorFrom(atThree, 's', 1);
      expect(fromThree).toBeInstanceOf(ConcurrencyError);
      expect(fromThree).toMatchObject({ streamId: 's', expected: 1, actual: 3 });
      const missing = new WrongExpectedVersionError(undefined, { streamName: 's', expected: STREAM_EXISTS, current: 'no_stream' });
      expect(concurrencyErrorFrom(missing, 's', 'exists').actual).toBe('no_stream');
    });
  });

  describe('events on the way in', () => {
    it('turns data and metadata into the JSON values a read will return, and lower-cases the id', () => {
      const id = randomUUID().toUpperCase();
      const when = new Date('2026-02-03T04:05:06.000Z');
      const stored = toStorableEvent({ ...newEvent('T', { when, gone: undefined, n: 1 }), id });
      expect(stored.id).toBe(id.toLowerCase());
      expect(stored.data).toEqual({ when: '2026-02-03T04:05:06.000Z', n: 1 });
    });

    it('refuses what cannot be stored faithfully', () => {
      expect(() => toStorableEvent(newEvent('T', { n: BigInt(1) }))).toThrow(TypeError);
      expect(() => toStorableEvent({ ...newEvent(), data: undefined })).toThrow(/cannot be serialised/);
      expect(() => toStorableEvent({ ...newEvent(), id: 'not-a-uuid' })).toThrow(/UUID/);
      expect(() => toStorableEvent(newEvent('$T'))).toThrow(/reserves/);
      const event = newEvent();
      const tainted = { ...event, metadata: { ...event.metadata, [CHAIN_METADATA_KEY]: {} } as EventMetadata };
      expect(() => toStorableEvent(tainted)).toThrow(/reserved/);
    });
  });

  describe('hash input', () => {
    it('fixes position and recordedAt, which the server assigns after the hash is written', () => {
      const fields = { id: randomUUID(), streamId: 's', revision: 3, type: 'T', data: { a: 1 }, metadata: { b: 2 } };
      expect(esdbHashInput(fields)).toEqual({ ...fields, position: 0, recordedAt: '' });
      const recorded = { ...fields, position: 9000, recordedAt: '2026-01-01T00:00:00.000Z', hash: 'x', prevHash: 'y' };
      expect(chainHash(GENESIS_HASH, esdbHashInput(recorded))).toBe(chainHash(GENESIS_HASH, esdbHashInput(fields)));
      expect(chainHash(GENESIS_HASH, esdbHashInput({ ...fields, revision: 4 }))).not.toBe(
        chainHash(GENESIS_HASH, esdbHashInput(fields)),
      );
    });
  });

  describe('events on the way out', () => {
    const base = {
      streamId: 'grant-1',
      id: randomUUID(),
      revision: 2n,
      type: 'T',
      data: { a: 1 },
      metadata: withChain(newEvent().metadata, { hash: 'a'.repeat(64), prevHash: 'b'.repeat(64) }),
      isJson: true as const,
      created: new Date('2026-03-04T05:06:07.089Z'),
    };

    it('uses the commit position and the server timestamp', () => {
      const recorded = toRecorded({ ...base, position: { commit: 5000n, prepare: 5000n } });
      expect(recorded).toMatchObject({
        revision: 2,
        position: 5000,
        recordedAt: '2026-03-04T05:06:07.089Z',
        hash: 'a'.repeat(64),
        prevHash: 'b'.repeat(64),
      });
      expect(recorded.metadata).not.toHaveProperty(CHAIN_METADATA_KEY);
    });

    it('falls back to the resolved commit position, and refuses to invent one', () => {
      expect(toRecorded(base, 777n).position).toBe(777);
      expect(() => toRecorded(base)).toThrow(/without its log position/);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The adapter's own logic against an in-memory stand-in for the gRPC client. The stand-in
// encodes our reading of ESDB's behaviour, so passing here proves the adapter's bookkeeping
// (chaining, pinning, retries, paging, filtering), not the server's semantics.
// ---------------------------------------------------------------------------------------------

eventStoreContract('EsdbEventStore over an in-memory stand-in client (adapter logic only)', async () => {
  const client = new FakeEsdbClient({ noise: true });
  let store = new EsdbEventStore(client.asClient(), { pollIntervalMs: 20 });
  return {
    store,
    async reopen() {
      await store.close();
      store = new EsdbEventStore(client.asClient(), { pollIntervalMs: 20 });
      return store;
    },
    dispose: () => store.close(),
  };
});

describe('EsdbEventStore adapter logic (in-memory stand-in client)', () => {
  let client: FakeEsdbClient;
  let store: EsdbEventStore;
  beforeEach(() => {
    client = new FakeEsdbClient({ noise: false });
    store = new EsdbEventStore(client.asClient(), { pollIntervalMs: 20 });
  });
  afterEach(() => store.close());

  it('chains each stream on its own and stores the link only in ESDB metadata', async () => {
    await store.append('a', [newEvent('A0'), newEvent('A1')], 'no_stream');
    await store.append('b', [newEvent('B0')], 'no_stream');
    await store.append('a', [newEvent('A2')], 'exists');
    await store.append('b', [newEvent('B1')], 'any');
    const a = await store.readStream('a');
    const b = await store.readStream('b');
    expectValidStreamChain(a);
    expectValidStreamChain(b);
    expect(b[0].prevHash).toBe(GENESIS_HASH);
    const raw = client.log.find((r) => r.id === a[0].id)!;
    expect((raw.metadata as Record<string, unknown>)[CHAIN_METADATA_KEY]).toEqual({ hash: a[0].hash, prevHash: GENESIS_HASH });
    expect(a[0].metadata).not.toHaveProperty(CHAIN_METADATA_KEY);
  });

  it('keeps the chain intact when any-appends from many processes race on one stream', async () => {
    await store.append('hot', [newEvent()], 'no_stream');
    const processes = Array.from({ length: 6 }, () => new EsdbEventStore(client.asClient()));
    const results = await Promise.all(
      processes.map((p, i) => p.append('hot', [newEvent('Raced', { i })], 'any')),
    );
    await Promise.all(processes.map((p) => p.close()));
    expect(client.conflicts).toBeGreaterThan(0);
    expect(results.map((r) => r.nextExpectedRevision).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const stored = await store.readStream('hot');
    expect(stored.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expectValidStreamChain(stored);
  });

  it('recognises a retried any-append and refuses one that was only partly stored', async () => {
    const batch = [newEvent('X'), newEvent('Y')];
    const first = await store.append('retry', batch, 'any');
    await store.append('retry', [newEvent('Later')], 'any');
    await expect(store.append('retry', batch, 'any')).resolves.toEqual(first);
    await expect(store.append('retry', [batch[1], newEvent('Z')], 'any')).rejects.toBeInstanceOf(DuplicateEventError);
    await expect(store.append('retry', [batch[0], newEvent('Z')], 'no_stream')).rejects.toBeInstanceOf(
      DuplicateEventError,
    );
    expect((await store.readStream('retry')).map((e) => e.type)).toEqual(['X', 'Y', 'Later']);
  });

  it('returns the stored position when two processes race the same append and the server answers idempotently', async () => {
    const otherProcess = new EsdbEventStore(client.asClient());
    const batch = [newEvent('Once'), newEvent('Twice')];
    const [one, two] = await Promise.all([
      store.append('twin', batch, 'no_stream'),
      otherProcess.append('twin', batch, 'no_stream'),
    ]);
    await otherProcess.close();
    expect(client.idempotentAnswers).toBe(1);
    expect(two).toEqual(one);
    const stored = await store.readStream('twin');
    expect(stored).toHaveLength(2);
    expect(one.position).toBe(stored[1].position);
  });

  it('refuses ids, types and streams it could not store faithfully, writing nothing', async () => {
    const before = client.log.length;
    await expect(store.append('s', [{ ...newEvent(), id: 'abc' }], 'any')).rejects.toThrow(/UUID/);
    await expect(store.append('$s', [newEvent()], 'any')).rejects.toThrow(TypeError);
    await expect(store.append('pz-checkpoint-x', [newEvent()], 'any')).rejects.toThrow(TypeError);
    const twice = newEvent();
    await expect(store.append('s', [twice, twice], 'any')).rejects.toBeInstanceOf(DuplicateEventError);
    expect(client.log.length).toBe(before);
  });

  it('keeps checkpoints out of the log, capped at one event per stream', async () => {
    const a = await store.append('cp-s', [newEvent()], 'no_stream');
    await store.saveCheckpoint('mailer', a.position);
    await store.saveCheckpoint('mailer', a.position + 1);
    expect(await store.loadCheckpoint('mailer')).toBe(a.position + 1);
    expect(client.streamMetadata.get('pz-checkpoint-mailer')).toEqual({ maxCount: 1 });
    expect(client.metadataWrites).toBe(1);
    expect(await store.headPosition()).toBe(a.position);
    expect((await store.readAll()).map((e) => e.streamId)).toEqual(['cp-s']);
  });

  it('reads the log in small pages past long runs of hidden events', async () => {
    const first = await store.append('p', [newEvent('P0')], 'no_stream');
    for (let i = 0; i < 80; i += 1) client.write('$stats-node', '$statsCollected', { i });
    await store.append('p', [newEvent('P1')], 0);
    const next = await store.readAll({ after: first.position, maxCount: 1 });
    expect(next.map((e) => e.type)).toEqual(['P1']);
    expect(await store.readAll({ after: next[0].position })).toEqual([]);
  });

  it('stops its subscriptions on close and leaves a client it was handed open', async () => {
    const seen: RecordedEvent[] = [];
    store.subscribeToAll({ after: 0, handle: (events) => void seen.push(...events) });
    await store.append('sub', [newEvent()], 'no_stream');
    await waitUntil(() => seen.length === 1);
    await store.close();
    const readsAfterClose = client.reads;
    await new Promise((r) => setTimeout(r, 100));
    expect(client.reads).toBe(readsAfterClose);
    expect(client.disposed).toBe(false);
    await expect(store.readStream('sub')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

interface FakeRecord {
  streamId: string;
  id: string;
  revision: bigint;
  type: string;
  data: unknown;
  metadata: unknown;
  isJson: true;
  created: Date;
  position: Position;
}

/**
 * Just enough of the gRPC client for the adapter: expected-revision checks, idempotent
 * re-appends at an exact revision (answered without a position, like older servers), stream and
 * $all reads in both directions (forward $all reads include the start position, backward ones
 * exclude it), and uneven positions. `noise` writes a system event after every append.
 */
class FakeEsdbClient {
  readonly log: FakeRecord[] = [];
  readonly streamMetadata = new Map<string, unknown>();
  metadataWrites = 0;
  idempotentAnswers = 0;
  conflicts = 0;
  reads = 0;
  disposed = false;
  private readonly streams = new Map<string, FakeRecord[]>();
  private nextPosition = 1_000n;

  constructor(private readonly options: { noise: boolean }) {
    this.write('$epoch-information', '$epoch', { number: 0 });
  }

  asClient(): EsdbClient {
    return this as unknown as EsdbClient;
  }

  async appendToStream(
    streamName: string,
    events: EventData | EventData[],
    options: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<EsdbAppendResult> {
    // A network round trip: lets concurrent appends interleave their reads and writes.
    await new Promise((resolve) => setImmediate(resolve));
    const batch = Array.isArray(events) ? events : [events];
    const expected = options.expectedRevision ?? ANY;
    const current = (this.streams.get(streamName)?.length ?? 0) - 1;
    const exact = expected === NO_STREAM ? -1 : typeof expected === 'bigint' ? Number(expected) : null;
    if (exact !== null && exact < current) {
      const there = this.streams.get(streamName)!.slice(exact + 1, exact + 1 + batch.length);
      if (there.length === batch.length && there.every((r, i) => r.id === batch[i].id.toLowerCase())) {
        this.idempotentAnswers += 1;
        return { success: true, nextExpectedRevision: BigInt(exact + batch.length), position: undefined };
      }
    }
    const ok = expected === ANY || (expected === STREAM_EXISTS && current >= 0) || exact === current;
    if (!ok) {
      this.conflicts += 1;
      throw new WrongExpectedVersionError(undefined, {
        streamName,
        expected,
        current: current < 0 ? 'no_stream' : BigInt(current),
      });
    }
    for (const event of batch) this.write(streamName, event.type, event.data, event.metadata, event.id);
    const last = this.log[this.log.length - 1];
    if (this.options.noise) this.write('$stats-node', '$statsCollected', {});
    return { success: true, nextExpectedRevision: BigInt(current + batch.length), position: { ...last.position } };
  }

  async setStreamMetadata(streamName: string, metadata: unknown): Promise<EsdbAppendResult> {
    this.metadataWrites += 1;
    this.streamMetadata.set(streamName, metadata);
    const record = this.write(`$$${streamName}`, '$metadata', metadata);
    return { success: true, nextExpectedRevision: record.revision, position: record.position };
  }

  readStream(
    streamName: string,
    options: { direction?: Direction; fromRevision?: ReadRevision; maxCount?: number | bigint } = {},
  ): AsyncIterable<{ event: FakeRecord }> {
    this.reads += 1;
    const stream = this.streams.get(streamName);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? (options.direction === BACKWARDS ? END : START);
    return this.yieldAll(() => {
      if (!stream) throw new StreamNotFoundError(undefined, streamName);
      if (options.direction === BACKWARDS) {
        const upTo = from === END ? stream.length - 1 : from === START ? 0 : Number(from);
        return stream.slice(0, upTo + 1).reverse().slice(0, max);
      }
      const start = from === START ? 0 : from === END ? stream.length : Number(from);
      return stream.slice(start, start + max);
    });
  }

  readAll(
    options: { direction?: Direction; fromPosition?: ReadPosition; maxCount?: number | bigint } = {},
  ): AsyncIterable<{ event: FakeRecord }> {
    this.reads += 1;
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition ?? (options.direction === BACKWARDS ? END : START);
    return this.yieldAll(() => {
      if (options.direction === BACKWARDS) {
        const before = from === END ? this.log : from === START ? [] : this.log.filter((r) => r.position.commit < from.commit);
        return [...before].reverse().slice(0, max);
      }
      const after = from === START ? this.log : from === END ? [] : this.log.filter((r) => r.position.commit >= from.commit);
      return after.slice(0, max);
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  write(streamId: string, type: string, data: unknown, metadata?: unknown, id: string = randomUUID()): FakeRecord {
    // Positions are byte offsets in a real log: increasing, never consecutive integers.
    this.nextPosition += 100n + BigInt(this.log.length % 7) * 13n;
    const stream = this.streams.get(streamId) ?? [];
    this.streams.set(streamId, stream);
    const record: FakeRecord = {
      streamId,
      id: id.toLowerCase(),
      revision: BigInt(stream.length),
      type,
      data: JSON.parse(JSON.stringify(data)),
      metadata: metadata === undefined ? undefined : JSON.parse(JSON.stringify(metadata)),
      isJson: true,
      created: new Date(),
      position: { commit: this.nextPosition, prepare: this.nextPosition },
    };
    stream.push(record);
    this.log.push(record);
    return record;
  }

  private async *yieldAll(select: () => FakeRecord[]): AsyncIterable<{ event: FakeRecord }> {
    await new Promise((resolve) => setImmediate(resolve));
    for (const record of select()) {
      yield { event: { ...record, data: structuredClone(record.data), metadata: structuredClone(record.metadata) } };
    }
  }
}
