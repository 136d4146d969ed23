import { Conflict } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { ExistingApplication } from '../state';

/**
 * A member of the grantee organisation accepts the offer and its conditions (branding, the
 * steering group's visits): who and when, for staff to see who has not. Monitoring was scheduled
 * from the award and stays so; accepting twice records nothing more.
 */
export interface AcceptOffer {
  type: 'AcceptOffer';
  applicationId: string;
  org: string;
  acceptedBy: string;
  now: string;
}

export function acceptOffer(c: AcceptOffer, application: ExistingApplication): ApplicationEvent[] {
  if (application.status !== 'awarded' && application.status !== 'closed') {
    throw new Conflict(`Only a funded application's offer can be accepted; this application is ${application.status}`);
  }
  if (application.acceptedAt !== null) return [];
  return [{ type: 'OfferAccepted', data: { applicationId: c.applicationId, acceptedBy: c.acceptedBy, acceptedAt: c.now } }];
}
