import { Conflict } from '@pz/platform/domain';
import { roundStatusAt } from '@pz/rounds/domain';
import type { RoundFacts } from '../round-facts';
import type { ExistingApplication, Submitted } from '../state';

/**
 * A decision is made once, on a submitted application, after its round closes: deciding while it
 * is open would let early bids use up the budget before others are in. A cancelled round's bids
 * are owed an answer, but no money.
 */
export function decidable(application: ExistingApplication, round: RoundFacts, now: string, decision: 'award' | 'decline'): Submitted {
  if (application.status === 'awarded' || application.status === 'declined' || application.status === 'closed') {
    throw new Conflict(`This application has already been decided (${application.status})`);
  }
  if (application.status !== 'submitted') {
    throw new Conflict(`Only a submitted application can be decided; this one is ${application.status}`);
  }
  const status = roundStatusAt(round, now);
  if (status === 'cancelled') {
    if (decision === 'decline') return application;
    throw new Conflict('The round has been cancelled; its applications can only be declined');
  }
  if (status !== 'closed') throw new Conflict(`Decisions are made after the round closes (${round.closesAt})`);
  return application;
}
