import { ANY, NO_STREAM, STREAM_EXISTS, jsonEvent } from '@eventstore/db-client';
import type {
  AppendExpectedRevision,
  EventData,
  JSONType,
  RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { DuplicateEventError, EventMetadata, ExpectedRevision, NewEvent, RecordedEvent } from '../event-store';
import { chainHash, GENESIS_HASH, HashedFields } from '../hash-chain';

// Mapping between the port and ESDB, kept free of I/O so it can be tested without a server.

/** Key of the ESDB event metadata that carries the chain; stripped again on read. */
export const CHAIN_METADATA_KEY = '$pz';

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
export function expectedTarget(expected: ExpectedRevision): number | null {
  if (expected === 'any' || expected === 'exists') return null;
  const mapped = toEsdbExpectedRevision(expected);
  return mapped === NO_STREAM ? -1 : Number(mapped);
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

export function assertDistinctIds(batch: StorableEvent[]): void {
  const seen = new Set<string>();
  for (const event of batch) {
    if (seen.has(event.id)) throw new DuplicateEventError(event.id, 'appears twice in one append');
    seen.add(event.id);
  }
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

/** The batch as ESDB events, each carrying its link in the stream's chain after revision `after`. */
export function chainBatch(
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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
