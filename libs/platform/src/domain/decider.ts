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
}

export function fold<S, E extends DomainEvent>(decider: Pick<Decider<unknown, S, E>, 'initialState' | 'evolve'>, events: readonly E[]): S {
  let state = decider.initialState();
  for (const e of events) state = decider.evolve(state, e);
  return state;
}

/**
 * The end of an exhaustive switch: it compiles only when every case is handled, and throws if a
 * value the types ruled out turns up anyway.
 */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${JSON.stringify(value)}`);
}
