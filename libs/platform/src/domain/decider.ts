/**
 * The decider pattern every aggregate follows (see DEVELOPERS.md):
 *   decide(command, state) -> events | throws DomainError      (pure, no I/O, no clock)
 *   evolve(state, event)   -> state                            (pure fold)
 * The current time arrives inside the command, so a decision is reproducible from its inputs.
 */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

export interface Decider<C, S, E extends DomainEvent> {
  initialState(): S;
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  /**
   * Every event type the stream may hold, as this build knows them. During a rolling deploy a
   * newer build may write a type an older one does not know; deciding on a state folded without
   * it could be wrong (an award for a bid a newer build recorded as withdrawn), so the fold refuses.
   */
  readonly eventTypes: ReadonlySet<string>;
}

/** The part of a decider that folds a stream. */
export type Fold<S, E extends DomainEvent> = Pick<Decider<unknown, S, E>, 'initialState' | 'evolve' | 'eventTypes'>;

/** A stream holds an event of a type this build does not know: a newer build wrote it. */
export class WrittenByNewerVersion extends Error {
  override readonly name = 'WrittenByNewerVersion';
  constructor(readonly eventType: string) {
    super(`A newer version of the service wrote this record (${eventType}); try again shortly`);
  }
}

/** One event folded in, refusing a type the decider does not know (see `Decider.eventTypes`). */
export function evolveKnown<S, E extends DomainEvent>(decider: Fold<S, E>, state: S, event: { type: string; data: unknown }): S {
  if (!decider.eventTypes.has(event.type)) throw new WrittenByNewerVersion(event.type);
  return decider.evolve(state, event as E);
}

export function fold<S, E extends DomainEvent>(decider: Fold<S, E>, events: readonly { type: string; data: unknown }[]): S {
  let state = decider.initialState();
  for (const e of events) state = evolveKnown(decider, state, e);
  return state;
}

/** The set of a stream's event types, written as a record so the compiler insists on every one. */
export function eventTypesOf<T extends string>(types: Record<T, true>): ReadonlySet<string> {
  return new Set(Object.keys(types));
}

/**
 * The end of an exhaustive switch: it compiles only when every case is handled, and throws if a
 * value the types ruled out turns up anyway.
 */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
