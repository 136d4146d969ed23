import { WrongExpectedVersionError } from '@eventstore/db-client';
import type { EventStoreDBClient } from '@eventstore/db-client';
import { AppendResult, ConcurrencyError, DuplicateEventError, ExpectedRevision, RecordedEvent } from '../event-store';
import { GENESIS_HASH } from '../hash-chain';
import { concurrencyErrorFrom } from './esdb-errors';
import { chainBatch, StorableEvent, toEsdbExpectedRevision } from './esdb-mapping';
import { CHECKPOINT_STREAM_PREFIX, isHiddenFromLog, readStreamEvents, readTail } from './esdb-reads';

// Appending a chained batch: pinned to the head just read, retried on a lost race, and
// recognising a retry of an append that was already stored.

/**
 * An append with expected revision any/exists recognises a retry of itself only when the earlier
 * attempt's events are among the stream's last (batch size + this many) events: ESDB has no
 * index by event id, and reading whole streams on every append would not scale.
 */
const RETRY_WINDOW = 32;
/** An any/exists append losing this many races in a row gives up with a ConcurrencyError. */
const MAX_PINNED_ATTEMPTS = 10;

type AppendingClient = Pick<EventStoreDBClient, 'appendToStream' | 'readStream'>;

export function assertAppendableStream(streamId: string): void {
  // Events there would never reach readAll or subscribers, which skip such streams.
  if (typeof streamId !== 'string' || streamId === '' || isHiddenFromLog(streamId, '')) {
    throw new TypeError(
      `Stream id must be non-empty and not start with "$" or "${CHECKPOINT_STREAM_PREFIX}" (got ${JSON.stringify(streamId)})`,
    );
  }
}

/** `target`: the revision the batch must follow (-1: the stream must not exist), or null for any/exists. */
export async function appendChained(
  client: AppendingClient,
  streamId: string,
  batch: StorableEvent[],
  expected: ExpectedRevision,
  target: number | null,
): Promise<AppendResult> {
  for (let attempt = 1; ; attempt += 1) {
    const tail = await readTail(client, streamId, target === null ? batch.length + RETRY_WINDOW : 1);
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
          const retried = await matchRetryAt(client, streamId, batch, target);
          if (retried) return retried;
        }
        throw new ConcurrencyError(streamId, expected, current === -1 ? 'no_stream' : current);
      }
      after = target;
    }

    const proposed = chainBatch(streamId, batch, after, head ? head.hash : GENESIS_HASH);
    const esdbExpected = toEsdbExpectedRevision(after === -1 ? 'no_stream' : after);
    try {
      const result = await client.appendToStream(streamId, proposed, { expectedRevision: esdbExpected });
      if (!result.success) {
        // Only a client built with throwOnAppendFailure=false gets here; treat it like the throw.
        const actual = await currentRevision(client, streamId);
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
        : await positionOf(client, streamId, nextExpectedRevision);
      return { nextExpectedRevision, position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (target === null) {
        if (attempt < MAX_PINNED_ATTEMPTS) continue;
        throw concurrencyErrorFrom(error, streamId, expected);
      }
      // The winner of the race may have been another process storing this very batch (ESDB
      // reports a partial match as a wrong expected version too), so look before calling it a conflict.
      const retried = await matchRetryAt(client, streamId, batch, target);
      if (retried) return retried;
      throw concurrencyErrorFrom(error, streamId, expected);
    }
  }
}

/** The batch stored right after `after`, as the first append would have stored it, or null. */
async function matchRetryAt(
  client: AppendingClient,
  streamId: string,
  batch: StorableEvent[],
  after: number,
): Promise<AppendResult | null> {
  const stored = await readStreamEvents(client, streamId, after + 1, batch.length);
  const ids = new Set(batch.map((e) => e.id));
  const overlapping = stored.filter((e) => ids.has(e.id)).length;
  if (overlapping === 0) return null;
  const exact = stored.length === batch.length && stored.every((e, i) => e.id === batch[i].id);
  if (!exact) throw new DuplicateEventError(batch[0].id, 'only part of this batch was stored before');
  const last = stored[stored.length - 1];
  return { nextExpectedRevision: last.revision, position: last.position };
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

async function currentRevision(client: AppendingClient, streamId: string): Promise<number> {
  const [head] = await readTail(client, streamId, 1);
  return head ? head.revision : -1;
}

async function positionOf(client: AppendingClient, streamId: string, revision: number): Promise<number> {
  const [event] = await readStreamEvents(client, streamId, revision, 1);
  if (!event) throw new Error(`Stream ${streamId} has no revision ${revision} right after appending it`);
  return event.position;
}
