import { Problems } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { ExistingApplication } from '../state';
import { monitored } from './monitored';
import type { RagRating } from './policy';

/** Staff set a grant's RAG rating by hand, saying why; it stands until monitoring next changes. */
export interface RateGrant {
  type: 'RateGrant';
  applicationId: string;
  rating: RagRating;
  reason: string;
  now: string;
}

export function rateGrant(c: RateGrant, application: ExistingApplication): ApplicationEvent[] {
  const grant = monitored(application);
  new Problems().check(c.reason.trim().length > 0, 'reason must not be empty: every rating says why').throwIfAny();
  return [
    {
      type: 'GrantRagRated',
      data: { applicationId: c.applicationId, rating: c.rating, previous: grant.rag, reason: c.reason.trim(), by: 'staff', ratedAt: c.now },
    },
  ];
}
