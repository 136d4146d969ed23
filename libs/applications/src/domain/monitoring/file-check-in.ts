import { Conflict, Problems } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { ExistingApplication } from '../state';
import { monitored, nextOutstanding, reassess } from './monitored';
import type { RagPolicy } from './policy';

/** The grantee's quick check-in a month after the award: how it is going, what support would help. */
export interface FileCheckIn {
  type: 'FileCheckIn';
  applicationId: string;
  org: string;
  summary: string;
  supportNeeded: string;
  ragPolicy: RagPolicy;
  now: string;
}

export function fileCheckIn(c: FileCheckIn, application: ExistingApplication): ApplicationEvent[] {
  const grant = monitored(application);
  const item = nextOutstanding(grant, 'check-in');
  if (!item) throw new Conflict('The first-month check-in has already been filed');
  new Problems().check(c.summary.trim().length > 0, 'summary must not be empty').throwIfAny();
  return reassess(grant, c.now, c.ragPolicy, [
    {
      type: 'FirstCheckInFiled',
      data: { applicationId: c.applicationId, itemKey: item.key, summary: c.summary.trim(), supportNeeded: c.supportNeeded.trim(), filedAt: c.now },
    },
  ]);
}
