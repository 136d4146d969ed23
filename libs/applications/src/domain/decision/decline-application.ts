import { InvalidCommand } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { RoundFacts } from '../round-facts';
import type { ExistingApplication } from '../state';
import { decidable } from './decidable';

/** Staff decline a bid, with feedback the applicant will read. */
export interface DeclineApplication {
  type: 'DeclineApplication';
  applicationId: string;
  round: RoundFacts;
  feedback: string;
  now: string;
}

export function declineApplication(c: DeclineApplication, existing: ExistingApplication): ApplicationEvent[] {
  decidable(existing, c.round, c.now, 'decline');
  if (c.feedback.trim().length === 0) throw new InvalidCommand(['feedback must not be empty: applicants are owed a reason']);
  return [
    {
      type: 'ApplicationDeclined',
      data: { applicationId: c.applicationId, roundId: c.round.roundId, feedback: c.feedback.trim(), declinedAt: c.now },
    },
  ];
}
