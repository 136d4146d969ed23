import { Conflict, Problems } from '@pz/platform/domain';
import { roundStatusAt } from '@pz/rounds/domain';
import type { ApplicationEvent, SealedContact } from '../events';
import type { RoundFacts } from '../round-facts';
import type { ExistingApplication } from '../state';
import { ApplicationDetails, checkDetails } from './details';

/** An applicant changes their organisation's draft while it can still be sent. */
export interface EditDraft {
  type: 'EditDraft';
  applicationId: string;
  org: string;
  round: RoundFacts;
  changes: Partial<ApplicationDetails>;
  contact?: SealedContact;
  now: string;
}

export function editDraft(c: EditDraft, application: ExistingApplication): ApplicationEvent[] {
  if (application.status !== 'draft') throw new Conflict(`Only a draft can be edited; this application is ${application.status}`);
  const roundStatus = roundStatusAt(c.round, c.now);
  if (roundStatus === 'closed' || roundStatus === 'cancelled') {
    throw new Conflict(`The round is ${roundStatus}; this draft can no longer be submitted, so it cannot be edited`);
  }
  const details = application.details;
  const problems = new Problems();
  checkDetails(problems, { ...details, ...c.changes }, c.round);
  problems.throwIfAny();
  // Only what really changed is recorded; saving the same answers again records nothing.
  const changes = Object.fromEntries(
    Object.entries(c.changes).filter(
      ([key, value]) => JSON.stringify(value) !== JSON.stringify(details[key as keyof ApplicationDetails]),
    ),
  ) as Partial<ApplicationDetails>;
  if (Object.keys(changes).length === 0 && !c.contact) return [];
  return [
    {
      type: 'ApplicationDraftEdited',
      data: { applicationId: c.applicationId, changes, ...(c.contact ? { contact: c.contact } : {}) },
    },
  ];
}
