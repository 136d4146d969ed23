import { Conflict, NotFound } from '@pz/platform/domain';
import { aDraft, APP, aSubmitted, awarded, given, OTHER_ORG, ORG } from '../testing/application-fixtures';
import type { AcceptOffer } from './accept-offer';

const AT = '2024-07-20T10:00:00.000Z';
const accept = (o: Partial<AcceptOffer> = {}): AcceptOffer => ({ type: 'AcceptOffer', applicationId: APP, org: ORG, acceptedBy: 'user-1', now: AT, ...o });

describe('application decider: AcceptOffer', () => {
  it('records who accepted the offer for the organisation, and when', () => {
    given(...aSubmitted(), awarded())
      .when(accept())
      .then([{ type: 'OfferAccepted', data: { applicationId: APP, acceptedBy: 'user-1', acceptedAt: AT } }]);
  });

  it('records nothing more the second time', () => {
    given(...aSubmitted(), awarded(), { type: 'OfferAccepted', data: { applicationId: APP, acceptedBy: 'user-1', acceptedAt: AT } })
      .when(accept({ acceptedBy: 'user-2' }))
      .then([]);
  });

  it('refuses before there is an offer', () => {
    given(...aSubmitted()).when(accept()).thenThrows(Conflict, 'Only a funded application');
    given(...aDraft()).when(accept()).thenThrows(Conflict, 'this application is draft');
  });

  it('is "not found" to another organisation', () => {
    given(...aSubmitted(), awarded()).when(accept({ org: OTHER_ORG })).thenThrows(NotFound, 'not found');
  });
});
