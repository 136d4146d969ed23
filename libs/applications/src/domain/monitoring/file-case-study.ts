import { Problems } from '@pz/platform/domain';
import type { ApplicationEvent, CaseStudy } from '../events';
import type { ExistingApplication } from '../state';
import { monitored } from './monitored';

/** The mandatory end-of-project case study, on the funder's fixed template: it closes the grant. */
export interface FileCaseStudy {
  type: 'FileCaseStudy';
  applicationId: string;
  org: string;
  caseStudy: CaseStudy;
  now: string;
}

export function fileCaseStudy(c: FileCaseStudy, application: ExistingApplication): ApplicationEvent[] {
  monitored(application);
  const cs = c.caseStudy;
  const problems = new Problems();
  for (const field of ['title', 'summary', 'outcomes', 'lessons', 'sustainability'] as const) {
    problems.check(cs[field].trim().length > 0, `${field} must not be empty`);
  }
  problems.check(Number.isSafeInteger(cs.beneficiaries) && cs.beneficiaries >= 0, 'beneficiaries must be a whole number, 0 or more');
  problems.throwIfAny();
  return [
    {
      type: 'CaseStudyFiled',
      data: { applicationId: c.applicationId, itemKey: 'case-study', caseStudy: { ...cs, quote: cs.quote?.trim() || null }, filedAt: c.now },
    },
  ];
}
