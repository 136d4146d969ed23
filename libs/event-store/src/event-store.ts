import type { ChainAnchors, VerifyReport } from './verify-chain';

/**
 * The event store port. Every feature appends and reads through this interface only;
 * the SQLite and EventStoreDB adapters implement it with the same semantics, which the
 * shared contract suite (`testing/event-store.contract.ts`) proves.
 */

/** `anonymous`: a public, unauthenticated write (e.g. subscribing to alerts); `system`: the service itself. */
export type Role = 'applicant' | 'panel' | 'staff' | 'auditor' | 'system' | 'anonymous';

export interface Actor {
  sub: string;
  role: Role;
}

export interface EventMetadata {
  actor: Actor;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  schemaVersion: number;
}

/** What a caller hands to `append`: the store assigns revision, position and recordedAt. */
export interface NewEvent<T extends string = string, D = unknown> {
  id: string;
  type: T;
  data: D;
  metadata: EventMetadata;
}

/** An event as stored. `position` is its place in the global log; `revision` its place in its stream (0-based). */
export interface RecordedEvent<T extends string = string, D = unknown> extends NewEvent<T, D> {
  streamId: string;
  revision: number;
  position: number;
  recordedAt: string;
  /** Tamper-evidence chain (see docs/design/hash-chain.md). */
  hash: string;
  prevHash: string;
}

/** What folding a stream needs of each event: its type and payload, and where it stands. */
export interface StreamEventData<T extends string = string, D = unknown> {
  type: T;
  data: D;
  revision: number;
  position: number;
}

/**
 * `no_stream`: the stream must not exist; `exists`: it must have at least one event;
 * `any`: no check; a number: the revision of the stream's last event.
 */
export type ExpectedRevision = 'no_stream' | 'any' | 'exists' | number;

export interface AppendResult {
  /** Revision of the last event now in the stream: pass it as the next expected revision. */
  nextExpectedRevision: number;
  /** Global position of the last event of this append. */
  position: number;
}

export interface ReadStreamOptions {
  /** First revision to return (inclusive). Default 0. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Return events strictly after this position. Default 0 (from the beginning). */
  after?: number;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position, then follow live appends. */
  after: number;
  /**
   * Called in log order; the next batch is not read until the promise settles. It may answer a
   * position to read on from instead of the batch's end (a projection runner whose checkpoint
   * another process moved).
   */
  handle(events: RecordedEvent[]): Promise<HandledBatch> | HandledBatch;
  /** Largest batch handed to `handle` at once. */
  batchSize?: number;
  onError?(error: unknown): void;
}

/** What a subscriber answers for a batch: nothing (go on after it), or where to read on from. */
export type HandledBatch = void | { resumeAfter: number };

export interface Subscription {
  /** Stops delivery; resolves once the in-flight batch (if any) has been handled. */
  stop(): Promise<void>;
}

export interface EventStore {
  readonly kind: 'sqlite' | 'esdb' | 'postgres';
  /**
   * Checks the tamper-evident hash chain over everything stored, reading events exactly as
   * stored (nothing parsed away or smoothed over): see docs/design/hash-chain.md.
   */
  verifyChain(anchors?: ChainAnchors): Promise<VerifyReport>;
  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream in revision order; an unknown stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * The same events as readStream, with only what a decider folds (no metadata, ids or hashes):
   * how commands load an aggregate.
   */
  readStreamData(streamId: string, options?: ReadStreamOptions): Promise<StreamEventData[]>;
  /** The global log in position order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up subscription to the global log: history first, then live appends. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Position of the last event in the global log (0 when empty). */
  headPosition(): Promise<number>;
  /** Side-effect processors keep their checkpoints in the store itself. */
  loadCheckpoint(name: string): Promise<number | null>;
  saveCheckpoint(name: string, position: number): Promise<void>;
  /** Cheap liveness probe for /health. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');

export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, but it is at ${String(actual)}`);
  }
}

/** An event id that is already stored elsewhere, or a batch only part of which was stored before. */
export class DuplicateEventError extends Error {
  override readonly name = 'DuplicateEventError';
  constructor(readonly eventId: string, detail: string) {
    super(`Event ${eventId}: ${detail}`);
  }
}

/** The store cannot take writes (disk full, read-only file, connection down). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

export function revisionOf(events: readonly { revision: number }[]): number | 'no_stream' {
  return events.length === 0 ? 'no_stream' : events[events.length - 1].revision;
}
