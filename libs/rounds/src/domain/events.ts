import { eventTypesOf, type DomainEvent } from '@pz/platform/domain';
import type { Criterion, RoundKind } from './calendar';

export interface RoundScheduledData {
  roundId: string;
  name: string;
  financialYear: string;
  kind: RoundKind;
  zones: string[];
  themes: string[];
  announceAt: string;
  opensAt: string;
  closesAt: string;
  budgetPence: number;
  maxAwardPence: number | null;
  criteria: Criterion[];
}

export interface RoundRescheduledData {
  roundId: string;
  announceAt: string;
  opensAt: string;
  closesAt: string;
}

/** Everything that happens to a round: its calendar, its panel, and the budget its awards use. */
export type RoundEvent =
  | DomainEvent<'RoundScheduled', RoundScheduledData>
  | DomainEvent<'RoundRescheduled', RoundRescheduledData>
  | DomainEvent<'RoundCancelled', { roundId: string; reason: string; cancelledAt: string }>
  | DomainEvent<'RoundPanelSet', { roundId: string; members: string[] }>
  | DomainEvent<'RoundFundsCommitted', { roundId: string; applicationId: string; amountPence: number }>
  | DomainEvent<'RoundFundsReleased', { roundId: string; applicationId: string; amountPence: number; reason: string }>;

/** Every type the stream may hold, as this build knows them (the compiler insists on each). */
export const ROUND_EVENT_TYPES = eventTypesOf<RoundEvent['type']>({
  RoundScheduled: true,
  RoundRescheduled: true,
  RoundCancelled: true,
  RoundPanelSet: true,
  RoundFundsCommitted: true,
  RoundFundsReleased: true,
});
