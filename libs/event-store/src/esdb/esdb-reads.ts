import { BACKWARDS, END, FORWARDS, START, StreamNotFoundError } from '@eventstore/db-client';
import type {
  AllStreamRecordedEvent,
  EventStoreDBClient,
  Position,
  ReadPosition,
} from '@eventstore/db-client';
import { RecordedEvent } from '../event-store';
import { toRecorded } from './esdb-mapping';

// Reads of one stream, and of the domain log: the part of ESDB's $all that is ours.

/**
 * Checkpoints live in ordinary streams so they are as durable as the events they point into.
 * They are not `$`-streams because ESDB reserves those for itself (ACLs, system projections).
 */
export const CHECKPOINT_STREAM_PREFIX = 'pz-checkpoint-';
export const CHECKPOINT_EVENT_TYPE = 'CheckpointSaved';

/** Events per round trip when scanning $all (it also holds system and checkpoint events we skip). */
export const READ_ALL_PAGE = 1000;
const MIN_READ_ALL_PAGE = 32;

type StreamReader = Pick<EventStoreDBClient, 'readStream'>;
type AllReader = Pick<EventStoreDBClient, 'readAll'>;

/** Events ESDB writes for itself, and our checkpoints: neither belongs to the domain log. */
export function isHiddenFromLog(streamId: string, type: string): boolean {
  return streamId.startsWith('$') || type.startsWith('$') || streamId.startsWith(CHECKPOINT_STREAM_PREFIX);
}

export function checkpointStream(name: string): string {
  return `${CHECKPOINT_STREAM_PREFIX}${name}`;
}

/** A stream's events from `fromRevision` on. */
export function readStreamEvents(
  client: StreamReader,
  streamId: string,
  fromRevision: number,
  maxCount?: number,
): Promise<RecordedEvent[]> {
  if (maxCount === 0) return Promise.resolve([]);
  return readEvents(client, streamId, {
    direction: FORWARDS,
    fromRevision: BigInt(Math.max(0, fromRevision)),
    // Like SQLite's LIMIT -1, a negative count means "no limit".
    maxCount: maxCount === undefined || maxCount < 0 ? undefined : maxCount,
  });
}

/** A stream's last `count` events, newest first. */
export function readTail(client: StreamReader, streamId: string, count: number): Promise<RecordedEvent[]> {
  return readEvents(client, streamId, { direction: BACKWARDS, fromRevision: END, maxCount: count });
}

/** A stream that does not exist reads as empty, as it does in the SQLite adapter. */
async function readEvents(
  client: StreamReader,
  streamId: string,
  options: Parameters<StreamReader['readStream']>[1],
): Promise<RecordedEvent[]> {
  try {
    const events: RecordedEvent[] = [];
    for await (const resolved of client.readStream(streamId, options)) {
      if (resolved.event) events.push(toRecorded(resolved.event, resolved.commitPosition));
    }
    return events;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/**
 * $all interleaves our events with ESDB's own and with checkpoints, so a page may yield fewer
 * events than asked for: keep paging until enough are found or the log ends.
 */
export async function readLogAfter(client: AllReader, after: number, maxCount: number): Promise<RecordedEvent[]> {
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
    for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: cursor, maxCount: pageSize })) {
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

/** The position of the last event in the domain log, or 0 when it has none. */
export async function logHeadPosition(client: AllReader): Promise<number> {
  let cursor: ReadPosition = END;
  let lastSeen: Position | null = null;
  for (;;) {
    let received = 0;
    for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: cursor, maxCount: READ_ALL_PAGE })) {
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
}

function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
