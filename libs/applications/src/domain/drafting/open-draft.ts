import { Conflict, Problems } from '@pz/platform/domain';
import { roundStatusAt } from '@pz/rounds/domain';
import type { ApplicationEvent, SealedContact } from '../events';
import type { RoundFacts } from '../round-facts';
import type { ApplicationState } from '../state';
import { ApplicationDetails, checkDetails } from './details';

/** An applicant starts a bid for their organisation in a round that has not closed. */
export interface OpenDraft {
  type: 'OpenDraft';
  applicationId: string;
  org: string;
  openedBy: string;
  round: RoundFacts;
  details: ApplicationDetails;
  contact: SealedContact | null;
  now: string;
}

export function openDraft(c: OpenDraft, state: ApplicationState): ApplicationEvent[] {
  if (state.status !== 'none') throw new Conflict(`Application ${c.applicationId} already exists`);
  const status = roundStatusAt(c.round, c.now);
  if (status === 'cancelled' || status === 'closed') {
    throw new Conflict(`The round is ${status}; it takes no new applications`);
  }
  const problems = new Problems();
  checkDetails(problems, c.details, c.round);
  problems.throwIfAny();
  return [
    {
      type: 'ApplicationDraftOpened',
      data: {
        applicationId: c.applicationId,
        roundId: c.round.roundId,
        org: c.org,
        openedBy: c.openedBy,
        details: c.details,
        contact: c.contact,
      },
    },
  ];
}
