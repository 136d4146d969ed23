import { Conflict, NotFound } from '@pz/platform/domain';
import { APP, given, ORG } from '../testing/application-fixtures';
import { aClosedGrant, anAward, CASE_STUDY, checkInFiled } from '../testing/monitoring-fixtures';
import type { ApplicationEvent } from '../events';

const NOW = '2025-09-10T12:00:00.000Z';
const approve = { type: 'ApproveCaseStudy' as const, applicationId: APP, now: NOW };
const withdraw = (org = ORG) => ({ type: 'WithdrawCaseStudyConsent' as const, applicationId: APP, org, now: NOW });
const approved: ApplicationEvent = { type: 'CaseStudyApproved', data: { applicationId: APP, approvedAt: NOW } };
const withdrawn: ApplicationEvent = { type: 'CaseStudyConsentWithdrawn', data: { applicationId: APP, withdrawnAt: NOW } };
const filedWithoutConsent: ApplicationEvent = {
  type: 'CaseStudyFiled',
  data: { applicationId: APP, itemKey: 'case-study', caseStudy: { ...CASE_STUDY, consentToPublish: false }, filedAt: '2025-09-01T12:00:00.000Z' },
};

describe('application decider: publishing a case study', () => {
  it('staff approve a case study its group consented to', () => {
    given(...aClosedGrant()).when(approve).then([approved]);
    expect(given(...aClosedGrant(), approved).state).toMatchObject({ caseStudy: { consent: true, approved: true } });
  });

  it('refuses to approve one without consent, one not yet filed, or one already approved', () => {
    given(...anAward(), checkInFiled(), filedWithoutConsent).when(approve).thenThrows(Conflict, /not agreed to publication/);
    given(...anAward()).when(approve).thenThrows(Conflict, /no case study yet/);
    given(...aClosedGrant(), approved).when(approve).thenThrows(Conflict, /already approved/);
  });

  it('the group withdraws consent, which undoes an approval; a second withdrawal has nothing to withdraw', () => {
    given(...aClosedGrant(), approved).when(withdraw()).then([withdrawn]);
    expect(given(...aClosedGrant(), approved, withdrawn).state).toMatchObject({ caseStudy: { consent: false, approved: false } });
    given(...aClosedGrant(), approved, withdrawn).when(withdraw()).thenThrows(Conflict, /nothing to withdraw/);
    given(...aClosedGrant(), approved, withdrawn).when(approve).thenThrows(Conflict, /not agreed/);
  });

  it("another organisation cannot withdraw it: to them it does not exist", () => {
    given(...aClosedGrant()).when(withdraw('org-someone-else')).thenThrows(NotFound, /not found/);
  });
});
