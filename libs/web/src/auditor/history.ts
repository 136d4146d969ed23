import type { ApplicationEventType } from '@pz/applications/domain';
import type { RecordedEvent } from '@pz/event-store';

/** What each fact in an application's stream means, in the words an auditor's report would use. */
export const EVENT_NAMES: Record<ApplicationEventType, string> = {
  ApplicationDraftOpened: 'Draft started',
  ApplicationDraftEdited: 'Draft changed',
  ApplicationSubmitted: 'Sent for assessment',
  ApplicationWithdrawn: 'Withdrawn',
  ConflictOfInterestDeclared: 'Conflict of interest declared',
  ApplicationScored: 'Scored by a panel member',
  ApplicationAwarded: 'Grant awarded',
  ApplicationDeclined: 'Not funded',
  OfferAccepted: 'Offer and conditions accepted',
  MonitoringScheduled: 'Monitoring scheduled',
  FirstCheckInFiled: 'First-month check-in filed',
  MonitoringReturnFiled: 'Monitoring return filed',
  CaseStudyFiled: 'Case study filed: grant closed',
  CaseStudyApproved: 'Case study approved for publication',
  CaseStudyConsentWithdrawn: 'Consent to publish the case study withdrawn',
  GrantRagRated: 'RAG rating set',
  ProjectDatesChanged: 'Project dates changed',
};

const ROLE_NAMES: Record<string, string> = { applicant: 'applicant', panel: 'panel member', staff: 'staff', auditor: 'auditor', system: 'the service' };

export interface HistoryRow {
  position: number;
  revision: number;
  at: string;
  what: string;
  /** Who acted: their email address when the person is known, else the id the log holds. */
  who: string;
  role: string;
  /** Why, in the words recorded with it (a reason, feedback, a note, a comment), if any. */
  why: string | null;
  /** A few words about what changed (an amount, a rating, a score). */
  detail: string | null;
  type: string;
  hash: string;
  prevHash: string;
  data: string;
}

type Data = Record<string, unknown>;

const money = (pence: unknown) => (typeof pence === 'number' ? `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: pence % 100 === 0 ? 0 : 2 })}` : '');

/** The words recorded as the reason for an event, whichever field its type keeps them in. */
export function whyOf(event: Pick<RecordedEvent, 'type' | 'data'>): string | null {
  const d = event.data as Data;
  for (const field of ['reason', 'feedback', 'note', 'comment'] as const) {
    const value = d[field];
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return null;
}

export function detailOf(event: Pick<RecordedEvent, 'type' | 'data'>): string | null {
  const d = event.data as Data;
  switch (event.type) {
    case 'ApplicationAwarded':
      return `${money(d.amountPence)} awarded`;
    case 'GrantRagRated':
      return `${String(d.previous)} to ${String(d.rating)}${d.by === 'system' ? ' (by the monitoring policy)' : ''}${typeof d.message === 'string' ? `; told the grantee: ${d.message}` : ''}`;
    case 'ApplicationScored':
      return `Weighted total ${String(d.weightedTotal)}`;
    case 'ApplicationDraftEdited':
      return `Changed: ${Object.keys((d.changes as Data | undefined) ?? {}).join(', ') || 'contact'}`;
    case 'MonitoringReturnFiled':
      return `${String(d.period)}: ${money(d.spentPence)} spent, ${d.onTrack ? 'on track' : 'not on track'}`;
    case 'ProjectDatesChanged':
      return `${String(d.projectStart)} to ${String(d.projectEnd)}`;
    default:
      return null;
  }
}

/** One row of the history table per event, in the log's order. */
export function historyRows(events: readonly RecordedEvent[], nameOf: (sub: string) => string | undefined): HistoryRow[] {
  return events.map((e) => ({
    position: e.position,
    revision: e.revision,
    at: e.recordedAt,
    what: EVENT_NAMES[e.type as ApplicationEventType] ?? e.type,
    who: nameOf(e.metadata.actor.sub) ?? e.metadata.actor.sub,
    role: ROLE_NAMES[e.metadata.actor.role] ?? e.metadata.actor.role,
    why: whyOf(e),
    detail: detailOf(e),
    type: e.type,
    hash: e.hash,
    prevHash: e.prevHash,
    data: JSON.stringify(e.data, null, 2),
  }));
}
