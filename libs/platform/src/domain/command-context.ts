import type { Actor } from '@pz/event-store';

/** Who is acting, when, and under which request: travels with every command into event metadata. */
export interface CommandContext {
  actor: Actor;
  /** The decision's "now" (ISO 8601). Domain code never reads the clock itself. */
  now: string;
  correlationId: string;
  causationId?: string | null;
  /** Makes the written event ids deterministic, so a retried request writes nothing new. */
  idempotencyKey?: string;
  /**
   * Told once this request's events are in the store (written now, or found from an earlier
   * attempt of the same keyed request): a keyed request that wrote nothing is not remembered.
   */
  written?(): void;
}

/**
 * What a caller gives a use case: its command without what the handler adds (its type, the
 * decision's time, and whatever else the handler looks up: the round, policies, configuration).
 */
export type CommandInput<C, Added extends keyof C = never> = Omit<C, 'type' | 'now' | Added>;
