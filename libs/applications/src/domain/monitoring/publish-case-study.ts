import { Conflict } from '@pz/platform/domain';
import type { ApplicationEvent } from '../events';
import type { Closed, ExistingApplication } from '../state';

/**
 * A case study reaches the public only when its group consented AND staff approved it (web.md);
 * the group may withdraw its consent at any time, which takes it down again.
 */
export interface ApproveCaseStudy {
  type: 'ApproveCaseStudy';
  applicationId: string;
  now: string;
}

export interface WithdrawCaseStudyConsent {
  type: 'WithdrawCaseStudyConsent';
  applicationId: string;
  org: string;
  now: string;
}

function withCaseStudy(application: ExistingApplication): Closed {
  if (application.status !== 'closed') throw new Conflict('There is no case study yet: it is filed at the end of the project');
  return application;
}

export function approveCaseStudy(c: ApproveCaseStudy, application: ExistingApplication): ApplicationEvent[] {
  const grant = withCaseStudy(application);
  if (!grant.caseStudy.consent) throw new Conflict('The group has not agreed to publication: only a case study they consented to can be approved');
  if (grant.caseStudy.approved) throw new Conflict('This case study is already approved for publication');
  return [{ type: 'CaseStudyApproved', data: { applicationId: c.applicationId, approvedAt: c.now } }];
}

export function withdrawCaseStudyConsent(c: WithdrawCaseStudyConsent, application: ExistingApplication): ApplicationEvent[] {
  const grant = withCaseStudy(application);
  if (!grant.caseStudy.consent) throw new Conflict('Publication of this case study is not agreed: there is nothing to withdraw');
  return [{ type: 'CaseStudyConsentWithdrawn', data: { applicationId: c.applicationId, withdrawnAt: c.now } }];
}
