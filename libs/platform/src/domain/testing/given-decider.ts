/**
 * Given / when / then for decider unit tests (see DEVELOPERS.md, "Tests"):
 *
 *   const given = givenDecider(roundDecider);
 *   given(scheduled()).when(cancel()).then([cancelledEvent]);
 *   given().when(cancel()).thenThrows(NotFound, /not found/);
 *   given(scheduled()).when(reschedule({ closesAt: 'x' })).thenInvalid('closesAt');
 *
 * Test-only: it uses jest's `expect`, lives under `testing/` (left out of the build) and is not
 * exported from the `@pz/platform/domain` barrel.
 */
import { Decider, DomainEvent, fold } from '../decider';
import { DomainError, InvalidCommand } from '../errors';

/** A DomainError class (abstract ones too), as `toBeInstanceOf` takes it. */
export type DomainErrorClass<K extends DomainError = DomainError> = abstract new (...args: never[]) => K;

/** Runs `fn`, expects it to throw a `kind` whose message matches `fragment`, and returns the error. */
export function expectDomainError<K extends DomainError>(fn: () => unknown, kind: DomainErrorClass<K>, fragment: string | RegExp): K {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(kind);
  expect((caught as Error).message).toMatch(fragment);
  return caught as K;
}

/** Binds the given / when / then steps to one decider. */
export function givenDecider<C, S, E extends DomainEvent>(decider: Decider<C, S, E>) {
  /** The state these events fold to, and what a command decides against it. */
  return function given(...events: E[]) {
    const state = fold(decider, events);
    return {
      state,
      when: (command: C) => ({
        then: (expected: E[]) => expect(decider.decide(command, state)).toEqual(expected),
        thenThrows: <K extends DomainError>(kind: DomainErrorClass<K>, fragment: string | RegExp): K =>
          expectDomainError(() => decider.decide(command, state), kind, fragment),
        /** InvalidCommand naming exactly these problems (each fragment matches one problem, in any order). */
        thenInvalid: (...fragments: string[]): InvalidCommand => {
          const error = expectDomainError(() => decider.decide(command, state), InvalidCommand, '');
          expect(error.problems).toHaveLength(fragments.length);
          for (const fragment of fragments) {
            expect(error.problems.some((p) => p.includes(fragment))).toBe(true);
          }
          return error;
        },
      }),
    };
  };
}
