import { EventEmitter } from 'node:events';
import { ANY, BACKWARDS, END, EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import {
  AppendResult,
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
import { verifyStreamChains, VerifyReport } from '../verify-chain';
import { KeyedSerialQueue } from '../keyed-serial-queue';
import { appendChained, assertAppendableStream } from './esdb-append';
import { toStoreError } from './esdb-errors';
import { assertDistinctIds, esdbHashInput, expectedTarget, toStorableEvent } from './esdb-mapping';
import {
  CHECKPOINT_EVENT_TYPE,
  checkpointStream,
  READ_ALL_PAGE,
  logHeadPosition,
  readLogAfter,
  readStreamEvents,
  readTail,
} from './esdb-reads';

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
 *
 * Mapping lives in esdb-mapping.ts, reads and $all paging in esdb-reads.ts, the chained append
 * and its retries in esdb-append.ts, error mapping in esdb-errors.ts.
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
      const result = await this.appendsByStream.run(streamId, () =>
        appendChained(this.client, streamId, batch, expected, target),
      );
      this.appended.emit('appended');
      return result;
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    try {
      return await readStreamEvents(this.client, streamId, options.fromRevision ?? 0, options.maxCount);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /** EventStoreDB sends whole events anyway; this only leaves out what a fold does not need. */
  async readStreamData(streamId: string, options: ReadStreamOptions = {}): Promise<StreamEventData[]> {
    return (await this.readStream(streamId, options)).map(({ type, data, revision, position }) => ({ type, data, revision, position }));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const maxCount = options.maxCount === undefined || options.maxCount < 0 ? Infinity : options.maxCount;
    try {
      return await readLogAfter(this.client, options.after ?? 0, maxCount);
    } catch (error) {
      throw toStoreError(error);
    }
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
      return await logHeadPosition(this.client);
    } catch (error) {
      throw toStoreError(error);
    }
  }

  async loadCheckpoint(name: string): Promise<number | null> {
    this.assertOpen();
    try {
      const [last] = await readTail(this.client, checkpointStream(name), 1);
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

  /** EventStoreDB's chain runs per stream (docs/design/hash-chain.md): checked over the whole log, page by page. */
  async verifyChain(): Promise<VerifyReport> {
    return verifyStreamChains(this.wholeLog(), esdbHashInput);
  }

  private async *wholeLog(): AsyncIterable<RecordedEvent> {
    for (let after = 0; ; ) {
      const page = await this.readAll({ after, maxCount: READ_ALL_PAGE });
      if (page.length === 0) return;
      yield* page;
      after = page[page.length - 1].position;
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
