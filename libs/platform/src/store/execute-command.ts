import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import {
  ConcurrencyError,
  EventStore,
  ExpectedRevision,
  KeyedSerialQueue,
  NewEvent,
  revisionOf,
} from '@pz/event-store';
import { Conflict, NotFound } from '../domain/errors';
import type { CommandContext } from '../domain/command-context';
import { fold, type Decider, type DomainEvent, type Fold } from '../domain/decider';
import { FoldedStates } from './folded-states';

/** Namespace for event ids derived from an Idempotency-Key. */
const IDEMPOTENT_EVENT_NAMESPACE = '6f1c2a3e-7b4d-4c8e-9a51-2d0f3b6e8c17';

export interface CommandOutcome<S, E> {
  state: S;
  /** Events this command added (empty when the decision was a no-op). */
  events: E[];
  /** Global position to wait for before reading read models (read-your-writes). */
  position: number;
  revision: number | 'no_stream';
}

export interface ExecuteOptions {
  /** Caller-supplied revision (If-Match): no retry, a stale one is a 409. */
  expectedRevision?: number | 'no_stream';
  /** Re-decide on a concurrent change this many times before giving up with 409. */
  retries?: number;
}

/**
 * Load -> fold -> decide -> append with the loaded revision. On a concurrent append the command
 * is decided again against the new state (never a blind overwrite); after `retries` it is a 409.
 */
export function executeCommand<C, S, E extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, S, E>,
  command: C,
  context: CommandContext,
  options: ExecuteOptions = {},
): Promise<CommandOutcome<S, E>> {
  return commandsByStream.run(streamId, () => decideAndAppend(store, streamId, decider, command, context, options));
}

/**
 * Commands on one stream in this process run one after another: many concurrent requests on a
 * hot stream (a round's budget) then queue instead of all conflicting and retrying. Other
 * processes are still kept honest by the expected-revision check.
 */
const commandsByStream = new KeyedSerialQueue();

async function decideAndAppend<C, S, E extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, S, E>,
  command: C,
  context: CommandContext,
  options: ExecuteOptions,
): Promise<CommandOutcome<S, E>> {
  const retries = options.expectedRevision !== undefined ? 0 : (options.retries ?? 5);
  const folded = FoldedStates.of(store);
  for (let attempt = 0; ; attempt++) {
    let state: S;
    let current: number | 'no_stream';
    let lastPosition: number;
    if (context.idempotencyKey) {
      // A retry of a request whose events were stored before a crash: its answer is what it did
      // then. Finding them needs the whole stream, not only what was appended since the last fold.
      const history = await store.readStream(streamId);
      state = fold(decider, history);
      current = revisionOf(history);
      lastPosition = history.at(-1)?.position ?? 0;
      const earlier = appliedBefore(history, context);
      if (earlier) {
        context.written?.();
        return { state, events: [], position: earlier.position, revision: current };
      }
    } else {
      ({ state, revision: current, position: lastPosition } = await folded.load(store, streamId, decider));
    }
    if (options.expectedRevision !== undefined && options.expectedRevision !== current) {
      // Whether the caller may know this stream at all is the decider's to say, and comes first:
      // a stale revision on something they may not see is "not found", and names no revision.
      try {
        decider.decide(command, state);
      } catch (error) {
        if (error instanceof NotFound) throw error;
      }
      throw new Conflict('This has changed since you last loaded it; reload and try again');
    }
    const decided = decider.decide(command, state);
    if (decided.length === 0) {
      return { state, events: [], position: lastPosition, revision: current };
    }
    const expected: ExpectedRevision = current;
    try {
      const result = await store.append(streamId, toNewEvents(decided, context), expected);
      context.written?.();
      for (const e of decided) state = decider.evolve(state, e);
      folded.remember(streamId, decider, { state, revision: result.nextExpectedRevision, position: result.position });
      return { state, events: decided, position: result.position, revision: result.nextExpectedRevision };
    } catch (error) {
      // Whatever we held for this stream may be what lost the race (or the store was replaced).
      folded.forget(streamId);
      if (error instanceof ConcurrencyError && attempt < retries) continue;
      if (error instanceof ConcurrencyError) {
        throw new Conflict(`${streamId} was changed by another request at the same time; try again`);
      }
      throw error;
    }
  }
}

/** Ids derived from the caller and their Idempotency-Key; random without a key. */
export function eventIdFor(context: CommandContext, index: number): string {
  // Keys are the caller's own: two callers may pick the same key without sharing event ids.
  return context.idempotencyKey
    ? uuidv5(`${context.actor.sub}\n${context.idempotencyKey}#${index}`, IDEMPOTENT_EVENT_NAMESPACE)
    : randomUUID();
}

/** An entity id (a round, an application) that a retried request re-creates identically. */
export function entityIdFor(context: CommandContext, kind: string): string {
  return context.idempotencyKey
    ? uuidv5(`${context.actor.sub}\n${context.idempotencyKey}\n${kind}`, IDEMPOTENT_EVENT_NAMESPACE)
    : randomUUID();
}

/** The last event this request (by its Idempotency-Key) already stored in the stream, if any. */
export function appliedBefore(history: readonly { id: string; position: number }[], context: CommandContext) {
  if (!context.idempotencyKey) return undefined;
  const first = eventIdFor(context, 0);
  const start = history.findIndex((e) => e.id === first);
  if (start < 0) return undefined;
  let last = history[start];
  for (let i = 1; start + i < history.length && history[start + i].id === eventIdFor(context, i); i++) last = history[start + i];
  return last;
}

export function toNewEvents(events: readonly DomainEvent[], context: CommandContext): NewEvent[] {
  return events.map((e, i) => ({
    id: eventIdFor(context, i),
    type: e.type,
    data: e.data,
    metadata: {
      actor: context.actor,
      occurredAt: context.now,
      correlationId: context.correlationId,
      causationId: context.causationId ?? null,
      schemaVersion: 1,
    },
  }));
}

/** Current state of one aggregate, straight from its stream (strongly consistent, unlike read models). */
export async function loadAggregate<S, E extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Fold<S, E>,
): Promise<{ state: S; revision: number | 'no_stream'; position: number }> {
  const { state, revision, position } = await FoldedStates.of(store).load(store, streamId, decider);
  return { state, revision, position };
}
