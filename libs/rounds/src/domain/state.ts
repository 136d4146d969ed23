import { NotFound } from '@pz/platform/domain';
import type { RoundEvent, RoundScheduledData } from './events';

/** A round on the calendar: its dates and rules, who sits on its panel, and what its awards have committed. */
interface Scheduled {
  round: RoundScheduledData;
  panel: string[];
  /** applicationId -> committed pence */
  commitments: Record<string, number>;
  committedPence: number;
}

export type NoRound = { status: 'none' };
export type OnCalendar = Scheduled & { status: 'on-calendar' };
export type CancelledRound = Scheduled & { status: 'cancelled'; cancelledAt: string };
export type RoundState = NoRound | OnCalendar | CancelledRound;
export type ExistingRound = OnCalendar | CancelledRound;

export const initialState = (): RoundState => ({ status: 'none' });

export function existingRound(state: RoundState, roundId: string): ExistingRound {
  if (state.status === 'none') throw new NotFound(`Round ${roundId} not found`);
  return state;
}

export function evolve(state: RoundState, event: RoundEvent): RoundState {
  if (event.type === 'RoundScheduled') {
    return { status: 'on-calendar', round: event.data, panel: [], commitments: {}, committedPence: 0 };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'RoundRescheduled':
      return { ...state, round: { ...state.round, ...event.data } };
    case 'RoundCancelled':
      return { ...state, status: 'cancelled', cancelledAt: event.data.cancelledAt };
    case 'RoundPanelSet':
      return { ...state, panel: event.data.members };
    case 'RoundFundsCommitted':
      return {
        ...state,
        commitments: { ...state.commitments, [event.data.applicationId]: event.data.amountPence },
        committedPence: state.committedPence + event.data.amountPence,
      };
    case 'RoundFundsReleased': {
      const { [event.data.applicationId]: released, ...rest } = state.commitments;
      return { ...state, commitments: rest, committedPence: state.committedPence - (released ?? 0) };
    }
  }
}
