import { Problems } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { ExistingApplication } from '../state';
import { monitored } from './monitored';
import type { RagRating } from './policy';

/**
 * Staff set a grant's RAG rating by hand, saying why; it stands until monitoring next changes.
 * The reason is staff's own note; a message, when given, is what the grantee is told.
 */
export interface RateGrant {
  type: 'RateGrant';
  applicationId: string;
  rating: RagRating;
  reason: string;
  message?: string | null;
  now: string;
}

export function rateGrant(c: RateGrant, application: ExistingApplication): ApplicationEvent[] {
  const grant = monitored(application);
  new Problems().check(c.reason.trim().length > 0, 'reason must not be empty: every rating says why').throwIfAny();
  const message = c.message?.trim();
  return [
    {
      type: 'GrantRagRated',
      data: {
        applicationId: c.applicationId,
        rating: c.rating,
        previous: grant.rag,
        reason: c.reason.trim(),
        by: 'staff',
        ratedAt: c.now,
        // Only when there is one: ratings recorded before messages existed carry none.
        ...(message ? { message } : {}),
      },
    },
  ];
}
