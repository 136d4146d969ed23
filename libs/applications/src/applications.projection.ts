import type { RecordedEvent } from '@pz/event-store';
import type { DocumentStore, Projection } from '@pz/projections';
import type { ApplicationDetails, ApplicationEvent, ApplicationStatus, CaseStudy, SealedContact, Tranche } from './domain';
import type { DueItem, RagRating } from './domain';

export interface MemberScore {
  scores: Record<string, number>;
  weightedTotal: number;
  comment: string;
  at: string;
}

export interface TimelineEntry {
  type: string;
  at: string;
}

/** Everything known about one application; what each role may see is chosen when presenting it. */
export interface ApplicationDoc extends ApplicationDetails {
  id: string;
  /** Revision of the application's stream: the ETag clients send back in If-Match. */
  revision: number;
  /**
   * The revision as the applicant and the panel may know it: not moved by the panel's own steps
   * (scores, conflicts), which would tell them that assessment activity happened. It equals
   * `revision` while the application is a draft, the only stage If-Match guards.
   */
  sharedRevision: number;
  roundId: string;
  org: string;
  openedBy: string;
  contact: SealedContact | null;
  status: ApplicationStatus;
  submittedAt: string | null;
  awardedPence: number | null;
  tranches: Tranche[] | null;
  conditions: string[] | null;
  awardNote: string | null;
  feedback: string | null;
  decidedAt: string | null;
  withdrawnReason: string | null;
  conflicts: string[];
  scores: Record<string, MemberScore>;
  timeline: TimelineEntry[];
  openedAt: string;
  lastChangedAt: string;
  /** Monitoring, once awarded. */
  awardedAt: string | null;
  schedule: DueItem[];
  filed: Record<string, string>;
  checkIn: { summary: string; supportNeeded: string; filedAt: string } | null;
  returns: MonitoringReturn[];
  /** With who filed it (their personal data erased, it comes down), and its publication: approved, consent withdrawn. */
  caseStudy: (CaseStudy & { filedAt: string; filedBy: string; approvedAt: string | null; consentWithdrawnAt: string | null }) | null;
  rag: RagRating | null;
  ragReason: string | null;
  ragBy: 'system' | 'staff' | null;
  ragAt: string | null;
  /** Staff's message to the grantee with the rating in force, if they wrote one. */
  ragMessage: string | null;
  closedAt: string | null;
  /** Who of the grantee accepted the offer, and when (null: not yet). */
  acceptedBy: string | null;
  acceptedAt: string | null;
}

/** A return as filed: the MonitoringReturnFiled event's data, stored as it is but for the application id. */
export type MonitoringReturn = Omit<Extract<ApplicationEvent, { type: 'MonitoringReturnFiled' }>['data'], 'applicationId'>;

export const APPLICATIONS = 'applications';

/** The panel's own steps: recorded in the application's stream, and known only to staff and auditors. */
const PANEL_STEPS = new Set<ApplicationEvent['type']>(['ConflictOfInterestDeclared', 'ApplicationScored']);

const TIMELINE_NAMES: Record<ApplicationEvent['type'], string> = {
  ApplicationDraftOpened: 'opened',
  ApplicationDraftEdited: 'edited',
  ApplicationSubmitted: 'submitted',
  ApplicationWithdrawn: 'withdrawn',
  ConflictOfInterestDeclared: 'conflict-declared',
  ApplicationScored: 'scored',
  ApplicationAwarded: 'awarded',
  ApplicationDeclined: 'declined',
  MonitoringScheduled: 'monitoring-scheduled',
  FirstCheckInFiled: 'check-in',
  MonitoringReturnFiled: 'monitoring-return',
  CaseStudyFiled: 'closed',
  CaseStudyApproved: 'case-study-approved',
  CaseStudyConsentWithdrawn: 'case-study-consent-withdrawn',
  GrantRagRated: 'rag-rated',
  ProjectDatesChanged: 'dates-changed',
  OfferAccepted: 'offer-accepted',
};

export const applicationsProjection: Projection = {
  name: 'applications',
  // 3: sharedRevision. 4: the offer's acceptance. 5: ragMessage; the case study's author and publication.
  version: 5,
  collections: [APPLICATIONS],
  async apply(recorded: RecordedEvent, docs: DocumentStore) {
    if (!(recorded.type in TIMELINE_NAMES)) return;
    const event = { type: recorded.type, data: recorded.data } as ApplicationEvent;
    const at = recorded.metadata.occurredAt;
    const id = event.data.applicationId;

    if (event.type === 'ApplicationDraftOpened') {
      const d = event.data;
      docs.put<ApplicationDoc>(APPLICATIONS, id, {
        id,
        revision: recorded.revision,
        sharedRevision: recorded.revision,
        roundId: d.roundId,
        org: d.org,
        openedBy: d.openedBy,
        ...d.details,
        contact: d.contact,
        status: 'draft',
        submittedAt: null,
        awardedPence: null,
        tranches: null,
        conditions: null,
        awardNote: null,
        feedback: null,
        decidedAt: null,
        withdrawnReason: null,
        conflicts: [],
        scores: {},
        timeline: [{ type: 'opened', at }],
        openedAt: at,
        lastChangedAt: at,
        awardedAt: null,
        schedule: [],
        filed: {},
        checkIn: null,
        returns: [],
        caseStudy: null,
        rag: null,
        ragReason: null,
        ragBy: null,
        ragAt: null,
        ragMessage: null,
        closedAt: null,
        acceptedBy: null,
        acceptedAt: null,
      });
      return;
    }

    await docs.update<ApplicationDoc>(APPLICATIONS, id, (doc) => changed(doc, event, recorded.revision, at, recorded.metadata.actor.sub));
  },
};

/** An existing application's document after one more of its events (not ApplicationDraftOpened). */
function changed(doc: ApplicationDoc, event: ApplicationEvent, revision: number, at: string, actor: string): ApplicationDoc {
  const next: ApplicationDoc = {
    ...doc,
    revision,
    sharedRevision: PANEL_STEPS.has(event.type) ? doc.sharedRevision : doc.sharedRevision + 1,
    timeline: [...doc.timeline, { type: TIMELINE_NAMES[event.type], at }],
    lastChangedAt: at,
  };
  switch (event.type) {
    case 'ApplicationDraftEdited':
      Object.assign(next, event.data.changes);
      if (event.data.contact) next.contact = event.data.contact;
      break;
    case 'ApplicationSubmitted':
      next.status = 'submitted';
      next.submittedAt = event.data.submittedAt;
      break;
    case 'ApplicationWithdrawn':
      next.status = 'withdrawn';
      next.withdrawnReason = event.data.reason;
      break;
    case 'ConflictOfInterestDeclared': {
      const { [event.data.member]: _dropped, ...scores } = doc.scores;
      next.conflicts = [...doc.conflicts, event.data.member];
      next.scores = scores;
      break;
    }
    case 'ApplicationScored':
      next.scores = {
        ...doc.scores,
        [event.data.member]: {
          scores: event.data.scores,
          weightedTotal: event.data.weightedTotal,
          comment: event.data.comment,
          at,
        },
      };
      break;
    case 'ApplicationAwarded':
      next.status = 'awarded';
      next.awardedPence = event.data.amountPence;
      next.tranches = event.data.tranches;
      next.conditions = event.data.conditions;
      next.awardNote = event.data.note;
      next.decidedAt = event.data.awardedAt;
      next.awardedAt = event.data.awardedAt;
      next.rag = 'green';
      next.ragReason = 'Awarded: monitoring starts';
      next.ragBy = 'system';
      next.ragAt = event.data.awardedAt;
      next.ragMessage = null;
      break;
    case 'MonitoringScheduled':
      next.schedule = event.data.items;
      break;
    case 'FirstCheckInFiled':
      next.filed = { ...doc.filed, [event.data.itemKey]: event.data.filedAt };
      next.checkIn = { summary: event.data.summary, supportNeeded: event.data.supportNeeded, filedAt: event.data.filedAt };
      break;
    case 'MonitoringReturnFiled': {
      const { applicationId: _a, ...ret } = event.data;
      next.filed = { ...doc.filed, [event.data.itemKey]: event.data.filedAt };
      next.returns = [...doc.returns, ret];
      break;
    }
    case 'CaseStudyFiled':
      next.filed = { ...doc.filed, [event.data.itemKey]: event.data.filedAt };
      next.caseStudy = { ...event.data.caseStudy, filedAt: event.data.filedAt, filedBy: actor, approvedAt: null, consentWithdrawnAt: null };
      next.status = 'closed';
      next.closedAt = event.data.filedAt;
      break;
    case 'CaseStudyApproved':
      if (doc.caseStudy) next.caseStudy = { ...doc.caseStudy, approvedAt: event.data.approvedAt };
      break;
    case 'CaseStudyConsentWithdrawn':
      if (doc.caseStudy) next.caseStudy = { ...doc.caseStudy, consentToPublish: false, approvedAt: null, consentWithdrawnAt: event.data.withdrawnAt };
      break;
    case 'OfferAccepted':
      next.acceptedBy = event.data.acceptedBy;
      next.acceptedAt = event.data.acceptedAt;
      break;
    case 'GrantRagRated':
      next.rag = event.data.rating;
      next.ragReason = event.data.reason;
      next.ragBy = event.data.by;
      next.ragAt = event.data.ratedAt;
      next.ragMessage = event.data.message ?? null;
      break;
    case 'ProjectDatesChanged':
      next.projectStart = event.data.projectStart;
      next.projectEnd = event.data.projectEnd;
      next.schedule = event.data.schedule;
      break;
    case 'ApplicationDeclined':
      next.status = 'declined';
      next.feedback = event.data.feedback;
      next.decidedAt = event.data.declinedAt;
      break;
  }
  return next;
}
