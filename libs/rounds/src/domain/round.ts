import { Decider, unreachable } from '@pz/platform/domain';
import { CommitRoundFunds, commitRoundFunds, ReleaseRoundFunds, releaseRoundFunds } from './budget';
import { ROUND_EVENT_TYPES, type RoundEvent } from './events';
import { SetRoundPanel, setRoundPanel } from './panel';
import { CancelRound, cancelRound, RescheduleRound, rescheduleRound, ScheduleRound, scheduleRound } from './scheduling';
import { evolve, existingRound, initialState, RoundState } from './state';

/** One round, one stream: its calendar, its panel, and the budget every award draws on. */
export type RoundCommand = ScheduleRound | RescheduleRound | CancelRound | SetRoundPanel | CommitRoundFunds | ReleaseRoundFunds;

function decide(command: RoundCommand, state: RoundState): RoundEvent[] {
  switch (command.type) {
    case 'ScheduleRound':
      return scheduleRound(command, state);
    case 'RescheduleRound':
      return rescheduleRound(command, existingRound(state, command.roundId));
    case 'CancelRound':
      return cancelRound(command, existingRound(state, command.roundId));
    case 'SetRoundPanel':
      return setRoundPanel(command, existingRound(state, command.roundId));
    case 'CommitRoundFunds':
      return commitRoundFunds(command, existingRound(state, command.roundId));
    case 'ReleaseRoundFunds':
      return releaseRoundFunds(command, existingRound(state, command.roundId));
    default:
      return unreachable(command);
  }
}

export const roundDecider: Decider<RoundCommand, RoundState, RoundEvent> = { initialState, decide, evolve, eventTypes: ROUND_EVENT_TYPES };

export const roundStreamId = (roundId: string) => `round-${roundId}`;
