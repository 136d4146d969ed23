import { Conflict } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { ExistingApplication } from '../state';

/** An applicant takes back a bid that has not been decided. */
export interface WithdrawApplication {
  type: 'WithdrawApplication';
  applicationId: string;
  org: string;
  reason?: string;
  now: string;
}

export function withdrawApplication(c: WithdrawApplication, application: ExistingApplication): ApplicationEvent[] {
  if (application.status === 'withdrawn') return [];
  if (application.status !== 'draft' && application.status !== 'submitted') {
    throw new Conflict(`A decided application cannot be withdrawn; this one is ${application.status}`);
  }
  return [
    { type: 'ApplicationWithdrawn', data: { applicationId: c.applicationId, reason: c.reason?.trim() || null, withdrawnAt: c.now } },
  ];
}
