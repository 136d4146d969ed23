import { Injectable } from '@nestjs/common';
import { ApplicationDoc, ApplicationsQueries } from '@pz/applications';
import { PersonalDataVault } from '@pz/people';

export interface PublicCaseStudy {
  applicationId: string;
  title: string;
  summary: string;
  outcomes: string;
  beneficiaries: number;
  quote: string | null;
  filedAt: string;
  filedBy: string;
}

/**
 * Case studies the public may read (web.md): the group consented, staff approved, and the
 * consent has not been withdrawn (withdrawal clears the approval and the consent).
 */
export function isPublishable(doc: Pick<ApplicationDoc, 'caseStudy'>): boolean {
  const cs = doc.caseStudy;
  return cs !== null && cs.consentToPublish && Boolean(cs.approvedAt) && !cs.consentWithdrawnAt;
}

@Injectable()
export class PublishedCaseStudies {
  constructor(
    private readonly applications: ApplicationsQueries,
    private readonly vault: PersonalDataVault,
  ) {}

  /** Approved and consented, newest first (the log's part: cacheable until it moves on). */
  async approved(): Promise<PublicCaseStudy[]> {
    return (await this.applications.all())
      .filter(isPublishable)
      .map((doc) => {
        const cs = doc.caseStudy!;
        return {
          applicationId: doc.id,
          title: cs.title,
          summary: cs.summary,
          outcomes: cs.outcomes,
          beneficiaries: cs.beneficiaries,
          quote: cs.quote,
          filedAt: cs.filedAt,
          filedBy: cs.filedBy,
        };
      })
      .sort((a, b) => b.filedAt.localeCompare(a.filedAt));
  }

  /**
   * Those whose author's personal data is not erased. Asked on every page: erasing destroys a
   * key outside the log, so a cache keyed on the log's position would not notice.
   */
  async notErased(studies: readonly PublicCaseStudy[]): Promise<PublicCaseStudy[]> {
    const kept: PublicCaseStudy[] = [];
    for (const study of studies) if (!(await this.vault.isErased(study.filedBy))) kept.push(study);
    return kept;
  }
}
