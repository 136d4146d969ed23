import { Conflict, InvalidCommand } from '@pz/platform/domain';
import type { RoundEvent } from './events';
import type { ExistingRound } from './state';

/** Reserves part of the budget for one application's award; the round is the budget's guard. */
export interface CommitRoundFunds {
  type: 'CommitRoundFunds';
  roundId: string;
  applicationId: string;
  amountPence: number;
  now: string;
}

/** Gives back what an award reserved, when the award was not recorded or the bid was declined. */
export interface ReleaseRoundFunds {
  type: 'ReleaseRoundFunds';
  roundId: string;
  applicationId: string;
  reason: string;
  now: string;
}

export function commitRoundFunds(c: CommitRoundFunds, state: ExistingRound): RoundEvent[] {
  if (state.status === 'cancelled') throw new Conflict('The round has been cancelled');
  if (!Number.isSafeInteger(c.amountPence) || c.amountPence <= 0) {
    throw new InvalidCommand(['amountPence must be a positive whole number of pence']);
  }
  const existing = state.commitments[c.applicationId];
  if (existing !== undefined) {
    // A retried award finds its own reservation: nothing more to do.
    if (existing === c.amountPence) return [];
    throw new Conflict('This application already has funds committed for a different amount');
  }
  const { budgetPence } = state.round;
  const remaining = budgetPence - state.committedPence;
  if (c.amountPence > remaining) {
    throw new Conflict(`Over budget: the round has ${remaining} pence left of ${budgetPence}; this award needs ${c.amountPence}`);
  }
  return [{ type: 'RoundFundsCommitted', data: { roundId: state.round.roundId, applicationId: c.applicationId, amountPence: c.amountPence } }];
}

export function releaseRoundFunds(c: ReleaseRoundFunds, state: ExistingRound): RoundEvent[] {
  const amount = state.commitments[c.applicationId];
  if (amount === undefined) return [];
  return [{ type: 'RoundFundsReleased', data: { roundId: c.roundId, applicationId: c.applicationId, amountPence: amount, reason: c.reason } }];
}
