import type { Criterion, RoundKind } from '@pz/rounds/domain';

/** What an application decision needs to know about its round, read from the round's stream. */
export interface RoundFacts {
  roundId: string;
  kind: RoundKind;
  zones: string[];
  themes: string[];
  opensAt: string;
  closesAt: string;
  cancelledAt: string | null;
  budgetPence: number;
  maxAwardPence: number | null;
  criteria: Criterion[];
  panel: string[];
}
