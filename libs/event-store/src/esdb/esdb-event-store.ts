import { EventEmitter } from 'node:events';
import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  isCommandError,
  jsonEvent,
} from '@eventstore/db-client';
import type {
  AllStreamRecordedEvent,
  AllStreamResolvedEvent,
  AppendExpectedRevision,
  Direction,
  EventData,
  JSONType,
  Position,
  ReadPosition,
  RecordedEvent as EsdbRecordedEvent,
  StreamingRead,
} from '@eventstore/db-client';
import {
  AppendResult,
  ConcurrencyError,
  DuplicateEventError,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamEventData,
  StoreUnavailableError,
  SubscribeOptions,
  Subscription,
} from '../event-store';
import { followLog, waitForAppendOrPoll } from '../follow-log';
import { chainHash, GENESIS_HASH, HashedFields } from '../hash-chain';
import { KeyedSerialQueue } from '../keyed-serial-queue';

/** The part of the gRPC client this adapter uses, so tests can hand in a stand-in. */
export type EsdbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'setStreamMetadata' | 'dispose'
>;

export interface EsdbEventStoreOptions {
  /** How often an idle subscription looks for events appended by other processes. */
  pollIntervalMs?: number;
  /**
   * Whether close() disposes the client. Defaults to true for a client this store created from a
   * connection string, false for one handed in (its owner may still be using it).
   */
  disposeClient?: boolean;
}

/** Key of the ESDB event metadata that carries the chain; stripped again on read. */
export const CHAIN_METADATA_KEY = '$pz';

/**
 * Checkpoints live in ordinary streams so they are as durable as the events they point into.
 * They are not `$`-streams because ESDB reserves those for itself (ACLs, system projections).
 */
export const CHECKPOINT_STREAM_PREFIX = 'pz-checkpoint-';
export const CHECKPOINT_EVENT_TYPE = 'CheckpointSaved';

/**
 * An append with expected revision any/exists recognises a retry of itself only when the earlier
 * attempt's events are among the stream's last (batch size + this many) events: ESDB has no
 * index by event id, and reading whole streams on every append would not scale.
 */
const RETRY_WINDOW = 32;
/** An any/exists append losing this many races in a row gives up with a ConcurrencyError. */
const MAX_PINNED_ATTEMPTS = 10;
/** Events per round trip when scanning $all (it also holds system and checkpoint events we skip). */
const READ_ALL_PAGE = 1000;
const MIN_READ_ALL_PAGE = 32;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A NewEvent whose id is normalised and whose data and metadata are already plain JSON values. */
export interface StorableEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
}

interface ChainLink {
  hash: string;
  prevHash: string;
}

/**
 * The event store port on EventStoreDB (or KurrentDB) over gRPC.
 *
 * Differences from the SQLite adapter that ESDB forces, and how they are handled:
 * - ESDB serialises writes per stream, not across the log, so the tamper-evidence chain runs per
 *   stream: prevHash is the hash of the previous event in the same stream (GENESIS_HASH at
 *   revision 0). Position and recordedAt are assigned by the server after the hash has to be
 *   written, so they are hashed as 0 and '' (see `esdbHashInput`).
 * - Every append first reads the stream's last event, because the chain needs its hash. Appends
 *   with `any`/`exists` are then pinned to the revision just read, so a concurrent writer makes
 *   ESDB refuse ours (and we retry) instead of letting two events claim the same prevHash.
 * - ESDB has no unique index on event ids. Re-appending a batch is recognised in the same stream
 *   only (at the expected revision, or within RETRY_WINDOW of the end for any/exists); an id
 *   already used in another stream is not detected.
 */
export class EsdbEventStore implements EventStore {
  readonly kind = 'esdb' as const;
  private readonly client: EsdbClient;
  private readonly disposeClient: boolean;
  private readonly pollIntervalMs: number;
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<Subscription>();
  private readonly cappedCheckpointStreams = new Set<string>();
  /**
   * Appends to one stream from this process run one after another, in call order. Each append
   * reads the stream head before writing, so without this a second append issued right after a
   * first (expecting the revision the first will produce) would read too early and fail, where
   * the SQLite adapter, committing in call order, accepts both.
   */
  private readonly appendsByStream = new KeyedSerialQueue();
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(connection: string | EsdbClient, options: EsdbEventStoreOptions = {}) {
    if (typeof connection === 'string') {
      this.client = EventStoreDBClient.connectionString(connection);
      this.disposeClient = options.disposeClient ?? true;
    } else {
      this.client = connection;
      this.disposeClient = options.disposeClient ?? false;
    }
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.appended.setMaxListeners(0);
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new Error('append needs at least one event');
    assertAppendableStream(streamId);
    // Everything that can fail locally fails here, before the first byte goes to the server,
    // so a bad event anywhere in the batch leaves the stream untouched.
    const batch = events.map(toStorableEvent);
    assertDistinctIds(batch);
    const target = expectedTarget(expected);
    try {
      const result = await this.appendsByStream.run(streamId, () => this.appendChecked(streamId, batch, expected, target));
      this.appended.emit('appended');
      return result;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** `target`: the revision the batch must follow (-1: the stream must not exist), or null for any/exists. */
  private async appendChecked(
    streamId: string,
    batch: StorableEvent[],
    expected: ExpectedRevision,
    target: number | null,
  ): Promise<AppendResult> {
    for (let attempt = 1; ; attempt += 1) {
      const tail = await this.readTail(streamId, target === null ? batch.length + RETRY_WINDOW : 1);
      const head = tail[0];
      const current = head ? head.revision : -1;

      let after: number;
      if (target === null) {
        const retried = matchRetryInTail(tail, batch);
        if (retried) return retried;
        if (expected === 'exists' && current === -1) {
          throw new ConcurrencyError(streamId, expected, 'no_stream');
        }
        after = current;
      } else {
        if (current !== target) {
          // A stream that has moved past the expected revision may hold this very batch.
          if (current > target) {
            const retried = await this.matchRetryAt(streamId, batch, target);
            if (retried) return retried;
          }
          throw new ConcurrencyError(streamId, expected, current === -1 ? 'no_stream' : current);
        }
        after = target;
      }

      const proposed = chainBatch(streamId, batch, after, head ? head.hash : GENESIS_HASH);
      const esdbExpected = toEsdbExpectedRevision(after === -1 ? 'no_stream' : after);
      try {
        const result = await this.client.appendToStream(streamId, proposed, { expectedRevision: esdbExpected });
        if (!result.success) {
          // Only a client built with throwOnAppendFailure=false gets here; treat it like the throw.
          const actual = await this.currentRevision(streamId);
          throw new WrongExpectedVersionError(undefined, {
            streamName: streamId,
            expected: esdbExpected,
            current: actual === -1 ? 'no_stream' : BigInt(actual),
          });
        }
        const nextExpectedRevision = Number(result.nextExpectedRevision);
        // Servers answer an idempotent re-append without a position: find the stored one.
        const position = result.position
          ? Number(result.position.commit)
          : await this.positionOf(streamId, nextExpectedRevision);
        return { nextExpectedRevision, position };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (target === null) {
          if (attempt < MAX_PINNED_ATTEMPTS) continue;
          throw concurrencyErrorFrom(error, streamId, expected);
        }
        // The winner of the race may have been another process storing this very batch (ESDB
        // reports a partial match as a wrong expected version too), so look before calling it a conflict.
        const retried = await this.matchRetryAt(streamId, batch, target);
        if (retried) return retried;
        throw concurrencyErrorFrom(error, streamId, expected);
      }
    }
  }

  /** The batch stored right after `after`, as the first append would have stored it, or null. */
  private async matchRetryAt(
    streamId: string,
    batch: StorableEvent[],
    after: number,
  ): Promise<AppendResult | null> {
    const stored = await this.readStreamEvents(streamId, after + 1, batch.length);
    const ids = new Set(batch.map((e) => e.id));
    const overlapping = stored.filter((e) => ids.has(e.id)).length;
    if (overlapping === 0) return null;
    const exact = stored.length === batch.length && stored.every((e, i) => e.id === batch[i].id);
    if (!exact) throw new DuplicateEventError(batch[0].id, 'only part of this batch was stored before');
    const last = stored[stored.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  private async readTail(streamId: string, count: number): Promise<RecordedEvent[]> {
    try {
      const events: RecordedEvent[] = [];
      for await (const resolved of this.client.readStream(streamId, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: count,
      })) {
        if (resolved.event) events.push(toRecorded(resolved.event, resolved.commitPosition));
      }
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private async currentRevision(streamId: string): Promise<number> {
    const [head] = await this.readTail(streamId, 1);
    return head ? head.revision : -1;
  }

  private async positionOf(streamId: string, revision: number): Promise<number> {
    const [event] = await this.readStreamEvents(streamId, revision, 1);
    if (!event) throw new Error(`Stream ${streamId} has no revision ${revision} right after appending it`);
    return event.position;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    try {
      return await this.readStreamEvents(streamId, options.fromRevision ?? 0, options.maxCount);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** EventStoreDB sends whole events anyway; this only leaves out what a fold does not need. */
  async readStreamData(streamId: string, options: ReadStreamOptions = {}): Promise<StreamEventData[]> {
    return (await this.readStream(streamId, options)).map(({ type, data, revision, position }) => ({ type, data, revision, position }));
  }

  private async readStreamEvents(
    streamId: string,
    fromRevision: number,
    maxCount?: number,
  ): Promise<RecordedEvent[]> {
    if (maxCount === 0) return [];
    try {
      const events: RecordedEvent[] = [];
      for await (const resolved of this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(Math.max(0, fromRevision)),
        // Like SQLite's LIMIT -1, a negative count means "no limit".
        maxCount: maxCount === undefined || maxCount < 0 ? undefined : maxCount,
      })) {
        if (resolved.event) events.push(toRecorded(resolved.event, resolved.commitPosition));
      }
      return events;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount === undefined || options.maxCount < 0 ? Infinity : options.maxCount;
    try {
      return await this.readAllAfter(options.after ?? 0, maxCount);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /**
   * $all interleaves our events with ESDB's own and with checkpoints, so a page may yield fewer
   * events than asked for: keep paging until enough are found or the log ends.
   */
  private async readAllAfter(after: number, maxCount: number): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    if (maxCount <= 0) return out;
    const afterCommit = BigInt(Math.max(0, after));
    // Forward reads of $all include the event at the start position, so the cursor is re-read
    // and skipped; the comparison below also makes that safe if a server ever excludes it.
    let cursor: ReadPosition = after > 0 ? { commit: afterCommit, prepare: afterCommit } : START;
    let lastSeen: Position | null = null;
    while (out.length < maxCount) {
      const pageSize = clamp(maxCount - out.length + 1, MIN_READ_ALL_PAGE, READ_ALL_PAGE);
      let received = 0;
      let advanced = false;
      for await (const resolved of this.readAllPage(FORWARDS, cursor, pageSize)) {
        received += 1;
        const event: AllStreamRecordedEvent | undefined = resolved.event;
        if (!event) continue;
        if (lastSeen && comparePositions(event.position, lastSeen) <= 0) continue;
        lastSeen = event.position;
        advanced = true;
        if (event.position.commit <= afterCommit) continue;
        if (isHiddenFromLog(event.streamId, event.type)) continue;
        if (out.length < maxCount) out.push(toRecorded(event, resolved.commitPosition));
      }
      if (received < pageSize || !advanced || !lastSeen) break;
      cursor = lastSeen;
    }
    return out;
  }

  private readAllPage(
    direction: Direction,
    fromPosition: ReadPosition,
    maxCount: number,
  ): StreamingRead<AllStreamResolvedEvent> {
    return this.client.readAll({ direction, fromPosition, maxCount });
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    this.assertOpen();
    const subscription = followLog({
      after: options.after,
      batchSize: options.batchSize ?? 500,
      read: (after, max) => this.readAll({ after, maxCount: max }),
      handle: options.handle,
      onError: options.onError,
      // Appends made through this store wake us at once; other processes' are found by polling.
      waitForMore: (signal) => waitForAppendOrPoll(this.appended, this.pollIntervalMs, signal),
    });
    const tracked: Subscription = {
      stop: async () => {
        this.subscriptions.delete(tracked);
        await subscription.stop();
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    try {
      let cursor: ReadPosition = END;
      let lastSeen: Position | null = null;
      for (;;) {
        let received = 0;
        for await (const resolved of this.readAllPage(BACKWARDS, cursor, READ_ALL_PAGE)) {
          received += 1;
          const event: AllStreamRecordedEvent | undefined = resolved.event;
          if (!event) continue;
          if (lastSeen && comparePositions(event.position, lastSeen) >= 0) continue;
          lastSeen = event.position;
          if (!isHiddenFromLog(event.streamId, event.type)) return Number(event.position.commit);
        }
        if (received < READ_ALL_PAGE || !lastSeen) return 0;
        cursor = lastSeen;
      }
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async loadCheckpoint(name: string): Promise<number | null> {
    this.assertOpen();
    try {
      const [last] = await this.readTail(checkpointStream(name), 1);
      const position = (last?.data as { position?: unknown } | undefined)?.position;
      return typeof position === 'number' ? position : null;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async saveCheckpoint(name: string, position: number): Promise<void> {
    this.assertOpen();
    const stream = checkpointStream(name);
    try {
      // Only the latest checkpoint matters; maxCount lets scavenging drop the rest. Set once per
      // process rather than once ever, so a lost metadata write heals on the next start.
      if (!this.cappedCheckpointStreams.has(stream)) {
        await this.client.setStreamMetadata(stream, { maxCount: 1 });
        this.cappedCheckpointStreams.add(stream);
      }
      await this.client.appendToStream(
        stream,
        jsonEvent({ type: CHECKPOINT_EVENT_TYPE, data: { position } }),
        { expectedRevision: ANY },
      );
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      for await (const _ of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
        // Draining the read is the probe: it needs a live server answering on the leader.
      }
    } catch (error) {
      throw toStoreError(error);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    // Subscriptions go first: left running they would poll a disposed client and report every failure.
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.closed = true;
    this.appended.emit('appended');
    if (this.disposeClient) await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('Event store is closed');
  }
}

// ---------------------------------------------------------------------------------------------
// Mapping between the port and ESDB, kept free of I/O so it can be tested without a server.
// ---------------------------------------------------------------------------------------------

export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < -1) {
        throw new RangeError(`Expected revision must be a whole number >= 0 (got ${expected})`);
      }
      // SQLite treats -1 as "no events yet" because that is the revision of an empty stream.
      return expected === -1 ? NO_STREAM : BigInt(expected);
  }
}

/** The revision a batch must follow (-1 for a new stream), or null when the port allows any. */
function expectedTarget(expected: ExpectedRevision): number | null {
  if (expected === 'any' || expected === 'exists') return null;
  const mapped = toEsdbExpectedRevision(expected);
  return mapped === NO_STREAM ? -1 : Number(mapped);
}

/** Events ESDB writes for itself, and our checkpoints: neither belongs to the domain log. */
export function isHiddenFromLog(streamId: string, type: string): boolean {
  return streamId.startsWith('$') || type.startsWith('$') || streamId.startsWith(CHECKPOINT_STREAM_PREFIX);
}

/** What ESDB stores as event metadata: the caller's metadata plus the chain link. */
export function withChain(metadata: EventMetadata, link: ChainLink): Record<string, unknown> {
  return { ...metadata, [CHAIN_METADATA_KEY]: { hash: link.hash, prevHash: link.prevHash } };
}

/**
 * Splits stored metadata back into the caller's metadata and the chain link. Events not written
 * by this adapter have no link and read with empty hashes rather than failing the whole read.
 */
export function withoutChain(stored: unknown): { metadata: EventMetadata; hash: string; prevHash: string } {
  if (!isPlainObject(stored)) {
    return { metadata: (stored ?? {}) as EventMetadata, hash: '', prevHash: '' };
  }
  const { [CHAIN_METADATA_KEY]: link, ...metadata } = stored;
  const chain = isPlainObject(link) ? link : {};
  return {
    metadata: metadata as unknown as EventMetadata,
    hash: typeof chain.hash === 'string' ? chain.hash : '',
    prevHash: typeof chain.prevHash === 'string' ? chain.prevHash : '',
  };
}

/**
 * The envelope an ESDB event's hash covers: position and recordedAt are fixed because the server
 * assigns them after the hash is written. Verifiers recompute `chainHash(prevHash, esdbHashInput(e))`
 * along each stream.
 */
export function esdbHashInput(event: Omit<HashedFields, 'position' | 'recordedAt'>): HashedFields {
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: 0,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: '',
  };
}

/**
 * Validates an event and turns its data and metadata into plain JSON values, exactly what a read
 * will return, so the hash is computed over what is stored. Throws before anything is sent.
 */
export function toStorableEvent(event: NewEvent): StorableEvent {
  const id = typeof event.id === 'string' ? event.id.toLowerCase() : '';
  // ESDB keeps ids as UUIDs and returns them in lower case.
  if (!UUID.test(id)) throw new TypeError(`Event id must be a UUID (got ${JSON.stringify(event.id)})`);
  if (typeof event.type !== 'string' || event.type === '' || event.type.startsWith('$')) {
    throw new TypeError(`Event ${id}: type must be a non-empty string not starting with "$" (ESDB reserves those)`);
  }
  if (!isPlainObject(event.metadata)) throw new TypeError(`Event ${id}: metadata must be an object`);
  if (CHAIN_METADATA_KEY in event.metadata) {
    throw new TypeError(`Event ${id}: metadata key ${CHAIN_METADATA_KEY} is reserved by the store`);
  }
  return {
    id,
    type: event.type,
    data: toJsonValue(event.data, `Event ${id}: data`),
    metadata: toJsonValue(event.metadata, `Event ${id}: metadata`) as EventMetadata,
  };
}

export function concurrencyErrorFrom(
  error: WrongExpectedVersionError,
  streamId: string,
  expected: ExpectedRevision,
): ConcurrencyError {
  const actual = error.actualVersion;
  return new ConcurrencyError(streamId, expected, actual === 'no_stream' ? 'no_stream' : Number(actual));
}

/** Error kinds that mean "the server could not be reached or did not answer in time". */
const UNAVAILABLE_ERROR_TYPES = new Set<string>([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
]);
/** gRPC status codes for the same, in case an error reaches us unconverted. */
const UNAVAILABLE_GRPC_CODES = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

/** Connection trouble becomes StoreUnavailableError (HTTP 503); everything else passes through. */
export function toStoreError(error: unknown): unknown {
  if (
    error instanceof ConcurrencyError ||
    error instanceof DuplicateEventError ||
    error instanceof StoreUnavailableError
  ) {
    return error;
  }
  if (!(error instanceof Error)) return error;
  if (isCommandError(error) && UNAVAILABLE_ERROR_TYPES.has(error.type)) {
    return new StoreUnavailableError(`EventStoreDB is unavailable (${error.type}): ${error.message}`, error);
  }
  // Cluster discovery gives up with a plain Error when no node answers gossip.
  if (/^Failed to discover/.test(error.message)) {
    return new StoreUnavailableError(`EventStoreDB is unavailable: ${error.message}`, error);
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && UNAVAILABLE_GRPC_CODES.has(code)) {
    return new StoreUnavailableError(`EventStoreDB is unavailable: ${error.message}`, error);
  }
  return error;
}

/** Turns a recorded ESDB event into the port's envelope. */
export function toRecorded(event: EsdbRecordedEvent, commitPosition?: bigint): RecordedEvent {
  const commit = event.position?.commit ?? commitPosition;
  if (commit === undefined) {
    throw new Error(`EventStoreDB returned event ${event.id} without its log position (server older than 22.6?)`);
  }
  const { metadata, hash, prevHash } = withoutChain(event.metadata);
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: Number(commit),
    type: event.type,
    data: event.isJson ? event.data : parseBytes(event.data as Uint8Array),
    metadata,
    recordedAt: event.created.toISOString(),
    hash,
    prevHash,
  };
}

function chainBatch(
  streamId: string,
  batch: StorableEvent[],
  after: number,
  headHash: string,
): EventData[] {
  let prevHash = after === -1 ? GENESIS_HASH : headHash;
  return batch.map((event, i) => {
    const hash = chainHash(
      prevHash,
      esdbHashInput({
        id: event.id,
        streamId,
        revision: after + 1 + i,
        type: event.type,
        data: event.data,
        metadata: event.metadata,
      }),
    );
    const proposed = jsonEvent({
      id: event.id,
      type: event.type,
      // Any JSON value is fine on the wire (the client JSON.stringifies it); the type is narrower.
      data: event.data as JSONType,
      metadata: withChain(event.metadata, { hash, prevHash }),
    });
    prevHash = hash;
    return proposed;
  });
}

/**
 * A retry of an any/exists append: every id of the batch among the stream's last events means it
 * was stored before; only some of them means a caller bug, as in the SQLite adapter.
 */
function matchRetryInTail(tail: RecordedEvent[], batch: StorableEvent[]): AppendResult | null {
  const byId = new Map(tail.map((e) => [e.id, e]));
  const found = batch.map((e) => byId.get(e.id));
  const count = found.filter(Boolean).length;
  if (count === 0) return null;
  if (count < batch.length) throw new DuplicateEventError(batch[0].id, 'only part of this batch was stored before');
  const last = found[found.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position };
}

function assertAppendableStream(streamId: string): void {
  // Events there would never reach readAll or subscribers, which skip such streams.
  if (typeof streamId !== 'string' || streamId === '' || isHiddenFromLog(streamId, '')) {
    throw new TypeError(
      `Stream id must be non-empty and not start with "$" or "${CHECKPOINT_STREAM_PREFIX}" (got ${JSON.stringify(streamId)})`,
    );
  }
}

function assertDistinctIds(batch: StorableEvent[]): void {
  const seen = new Set<string>();
  for (const event of batch) {
    if (seen.has(event.id)) throw new DuplicateEventError(event.id, 'appears twice in one append');
    seen.add(event.id);
  }
}

function checkpointStream(name: string): string {
  return `${CHECKPOINT_STREAM_PREFIX}${name}`;
}

function toJsonValue(value: unknown, what: string): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`${what} cannot be serialised to JSON: ${(error as Error).message}`);
  }
  if (json === undefined) throw new TypeError(`${what} cannot be serialised to JSON`);
  return JSON.parse(json);
}

function parseBytes(bytes: Uint8Array): unknown {
  const text = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
