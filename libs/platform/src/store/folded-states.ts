import { LRUCache } from 'lru-cache';
import type { EventStore } from '@pz/event-store';
import { evolveKnown, type DomainEvent, type Fold } from '../domain/decider';

export interface Folded<S> {
  state: S;
  revision: number | 'no_stream';
  /** Global position of the stream's last event (0 for no stream). */
  position: number;
}

interface Entry {
  decider: object;
  folded: Folded<unknown>;
}

/** How many streams' states a store keeps folded: a round's worth of applications many times over. */
export const FOLDED_STREAMS = 10_000;

/**
 * The folded state of recently used streams, per store, so loading an aggregate reads only the
 * events appended since it was last folded (usually none: this process appended them) instead
 * of the whole stream again. Sound because events never change and deciders are pure folds:
 * the tail is always read, so appends by other processes are folded in, and an append still
 * names the revision it was decided on, so a race is still caught by the store.
 */
export class FoldedStates {
  private static readonly byStore = new WeakMap<EventStore, FoldedStates>();
  private readonly entries = new LRUCache<string, Entry>({ max: FOLDED_STREAMS });

  static of(store: EventStore): FoldedStates {
    let states = FoldedStates.byStore.get(store);
    if (!states) FoldedStates.byStore.set(store, (states = new FoldedStates()));
    return states;
  }

  /** The stream's current state: the cached fold plus the events after it. */
  async load<S, E extends DomainEvent>(store: EventStore, streamId: string, decider: Fold<S, E>): Promise<Folded<S>> {
    const entry = this.entries.get(streamId);
    let cached = entry && entry.decider === decider && entry.folded.revision !== 'no_stream' ? (entry.folded as Folded<S>) : undefined;
    let tail = cached ? await store.readStreamData(streamId, { fromRevision: cached.revision as number }) : [];
    // The tail starts with the last event folded: still there, at the same place in the log, or
    // the stream is not the one we folded (a file restored from a backup under a running service,
    // which the operations guide rules out, since read models and checkpoints would not follow).
    if (cached && (tail[0]?.revision !== cached.revision || tail[0].position !== cached.position)) cached = undefined;
    tail = cached ? tail.slice(1) : await store.readStreamData(streamId);
    let state = cached ? cached.state : decider.initialState();
    for (const e of tail) state = evolveKnown(decider, state, e);
    const last = tail.at(-1);
    const folded: Folded<S> = {
      state,
      revision: last ? last.revision : (cached?.revision ?? 'no_stream'),
      position: last ? last.position : (cached?.position ?? 0),
    };
    this.remember(streamId, decider, folded);
    return folded;
  }

  /**
   * The last fold of the stream, without reading it: only for what cannot change once set (an
   * application's round), since later events may not be folded in yet.
   */
  peek<S>(streamId: string, decider: object): Folded<S> | undefined {
    const entry = this.entries.peek(streamId);
    return entry && entry.decider === decider ? (entry.folded as Folded<S>) : undefined;
  }

  remember<S>(streamId: string, decider: object, folded: Folded<S>): void {
    if (folded.revision === 'no_stream') return;
    this.entries.set(streamId, { decider, folded });
  }

  forget(streamId: string): void {
    this.entries.delete(streamId);
  }
}
