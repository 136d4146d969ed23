import { Injectable } from '@nestjs/common';
import { ApplicationDoc, ApplicationsQueries } from '@pz/applications';

export interface PublicCaseStudy {
  applicationId: string;
  title: string;
  summary: string;
  outcomes: string;
  beneficiaries: number;
  quote: string | null;
  filedAt: string;
}

/**
 * Case studies the public may read (web.md): the author consented AND staff approved it. The
 * applications feature records consent but has no approval step yet (nor a way to withdraw
 * consent), so until it does nothing is published: consent alone is not enough.
 */
export function isPublishable(doc: Pick<ApplicationDoc, 'caseStudy'>, approved: (doc: Pick<ApplicationDoc, 'caseStudy'>) => boolean): boolean {
  return doc.caseStudy !== null && doc.caseStudy.consentToPublish && approved(doc);
}

/** No approval is recorded anywhere yet: see above. */
const approvedByStaff = (_doc: Pick<ApplicationDoc, 'caseStudy'>) => false;

@Injectable()
export class PublishedCaseStudies {
  constructor(private readonly applications: ApplicationsQueries) {}

  async list(): Promise<PublicCaseStudy[]> {
    return (await this.applications.all())
      .filter((doc) => isPublishable(doc, approvedByStaff))
      .map((doc) => {
        const cs = doc.caseStudy!;
        return { applicationId: doc.id, title: cs.title, summary: cs.summary, outcomes: cs.outcomes, beneficiaries: cs.beneficiaries, quote: cs.quote, filedAt: cs.filedAt };
      })
      .sort((a, b) => b.filedAt.localeCompare(a.filedAt));
  }
}
