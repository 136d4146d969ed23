import { Problems } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { RoundFacts } from '../round-facts';
import type { ExistingApplication } from '../state';
import { underPanelReview } from './panel';

/** A panel member recuses themselves: from then on they can neither score it nor see its scores. */
export interface DeclareConflict {
  type: 'DeclareConflict';
  applicationId: string;
  member: string;
  round: RoundFacts;
  reason: string;
  now: string;
}

export function declareConflict(c: DeclareConflict, existing: ExistingApplication): ApplicationEvent[] {
  const application = underPanelReview(existing, c.member, c.round, c.applicationId);
  if (application.conflicts.includes(c.member)) return [];
  new Problems().check(c.reason.trim().length > 0, 'reason must not be empty').throwIfAny();
  return [{ type: 'ConflictOfInterestDeclared', data: { applicationId: c.applicationId, member: c.member, reason: c.reason.trim() } }];
}
