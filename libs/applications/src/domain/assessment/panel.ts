import { NotFound } from '@pz/platform/domain';
import type { RoundFacts } from '../round-facts';
import { ExistingApplication, isAssessed, type Declined, type Submitted, type Awarded, type Closed } from '../state';

/**
 * The application as a panel member may know it: sent for assessment in a round whose panel
 * they sit on. Anyone else, and any draft or withdrawn bid, learns nothing, not even that it
 * exists (the same NotFound as for an id never used).
 */
export function underPanelReview(
  application: ExistingApplication,
  member: string,
  round: RoundFacts,
  applicationId: string,
): Submitted | Declined | Awarded | Closed {
  assertOnPanel(member, round, applicationId);
  if (!isAssessed(application)) throw new NotFound(`Application ${applicationId} not found`);
  return application;
}

/** Someone not on this round's panel learns nothing of its applications. */
export function assertOnPanel(member: string, round: RoundFacts, applicationId: string): void {
  if (!round.panel.includes(member)) throw new NotFound(`Application ${applicationId} not found`);
}
