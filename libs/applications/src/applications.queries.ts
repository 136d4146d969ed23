import { Injectable } from '@nestjs/common';
import { PersonalDataVault } from '@pz/people';
import { AuthUser, ReadModels } from '@pz/platform';
import { ROUNDS, RoundView } from '@pz/rounds';
import { APPLICATIONS, ApplicationDoc, MemberScore, TimelineEntry } from './applications.projection';
import { DueItem, ITEM_LABELS, RagRating } from './domain';

/** Timeline entries an applicant sees about their own bid: not the panel's internal steps. */
const APPLICANT_TIMELINE = new Set([
  'opened', 'edited', 'submitted', 'withdrawn', 'awarded', 'declined', 'offer-accepted', 'check-in', 'monitoring-return', 'closed', 'rag-rated', 'dates-changed',
  'case-study-approved', 'case-study-consent-withdrawn',
]);
/** What a panel member sees of a bid's history: its assessment and decision, not its monitoring. */
const PANEL_TIMELINE = new Set(['opened', 'edited', 'submitted', 'awarded', 'declined', 'closed']);

export interface ApplicationView {
  id: string;
  revision: number;
  roundId: string;
  org: string;
  title: string;
  zone: string;
  theme: string;
  summary: string;
  status: ApplicationDoc['status'];
  requestedPence: number;
  projectStart: string;
  projectEnd: string;
  sustainability: string;
  partners: ApplicationDoc['partners'];
  answers: Record<string, string>;
  contactEmail?: string;
  submittedAt: string | null;
  awardedPence?: number;
  tranches?: ApplicationDoc['tranches'];
  conditions?: string[];
  feedback?: string;
  decidedAt?: string;
  /** Funded: when the grantee accepted the offer (null: not yet); for the grantee, staff and auditors. */
  acceptedAt?: string | null;
  rag?: RagRating;
  ragReason?: string;
  /** Staff's message about the rating, for the grantee (and staff and auditors). */
  ragMessage?: string;
  nextDue?: NextDue;
  overdue?: NextDue[];
  schedule?: (DueItem & { filedAt: string | null })[];
  closedAt?: string;
  /** For a panel member: their own scores (scoring is blind; others' are for staff and auditors). */
  yourScores?: MemberScore;
  timeline: TimelineEntry[];
}

export interface NextDue {
  key: string;
  kind: DueItem['kind'];
  label: string;
  dueAt: string;
}

const isInsider = (user: AuthUser) => user.roles.includes('staff') || user.roles.includes('auditor');
const isOwnOrg = (user: AuthUser, doc: ApplicationDoc) => user.roles.includes('applicant') && user.org === doc.org;

/** Earliest unfiled item, and those already past due, at `now`. */
export function dueItems(doc: ApplicationDoc, now: string): { nextDue: NextDue | undefined; overdue: NextDue[] } {
  const open = doc.schedule
    .filter((i) => !(i.key in doc.filed))
    .map((i) => ({ key: i.key, kind: i.kind, label: ITEM_LABELS[i.kind], dueAt: i.dueAt }));
  return { nextDue: open[0], overdue: open.filter((i) => i.dueAt < now) };
}

/**
 * Who may see an application: staff and auditors all; applicants their organisation's; panel
 * members submitted ones in rounds they score, unless they declared a conflict. Anything else
 * is reported as not found by the callers, so existence never leaks.
 */
@Injectable()
export class ApplicationsQueries {
  constructor(
    private readonly readModels: ReadModels,
    private readonly vault: PersonalDataVault,
  ) {}

  doc(id: string): Promise<ApplicationDoc | undefined> {
    return this.readModels.documents.get<ApplicationDoc>(APPLICATIONS, id);
  }

  all(): Promise<ApplicationDoc[]> {
    return this.readModels.documents.list<ApplicationDoc>(APPLICATIONS);
  }

  round(id: string): Promise<RoundView | undefined> {
    return this.readModels.documents.get<RoundView>(ROUNDS, id);
  }

  async canSee(user: AuthUser, doc: ApplicationDoc): Promise<boolean> {
    if (isInsider(user)) return true;
    if (isOwnOrg(user, doc)) return true;
    if (user.roles.includes('panel')) return this.panelMayReview(user, doc);
    return false;
  }

  /**
   * A panel member reviews the bids sent in their rounds, unless they are conflicted: by
   * declaring it, or by belonging to the organisation that applied.
   */
  async panelMayReview(member: Pick<AuthUser, 'sub' | 'org'>, doc: ApplicationDoc): Promise<boolean> {
    if (doc.status === 'draft' || doc.status === 'withdrawn') return false;
    if (doc.conflicts.includes(member.sub) || (member.org !== undefined && member.org === doc.org)) return false;
    return (await this.round(doc.roundId))?.panel.includes(member.sub) ?? false;
  }

  async visibleTo(user: AuthUser): Promise<ApplicationView[]> {
    const visible: ApplicationDoc[] = [];
    for (const doc of await this.all()) if (await this.canSee(user, doc)) visible.push(doc);
    visible.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
    return Promise.all(visible.map((doc) => this.present(doc, user)));
  }

  /**
   * The application as this caller may see it. Staff and auditors see everything. The applicant's
   * organisation sees its bid, its decision and its monitoring, but not the panel's steps nor a
   * rating's reason a member of staff wrote. A panel member sees the bid, the decision and their
   * own scores, but not the monitoring of a grant.
   */
  async present(doc: ApplicationDoc, user: AuthUser, now = new Date().toISOString()): Promise<ApplicationView> {
    const insider = isInsider(user);
    const ownOrg = isOwnOrg(user, doc);
    const monitoringVisible = insider || ownOrg;
    const timeline = insider ? doc.timeline : doc.timeline.filter((t) => (ownOrg ? APPLICANT_TIMELINE : PANEL_TIMELINE).has(t.type));
    const view: ApplicationView = {
      id: doc.id,
      revision: insider ? doc.revision : doc.sharedRevision,
      roundId: doc.roundId,
      org: doc.org,
      title: doc.title,
      zone: doc.zone,
      theme: doc.theme,
      summary: doc.summary,
      status: doc.status,
      requestedPence: doc.requestedPence,
      projectStart: doc.projectStart,
      projectEnd: doc.projectEnd,
      sustainability: doc.sustainability,
      partners: doc.partners,
      answers: doc.answers,
      submittedAt: doc.submittedAt,
      timeline,
    };
    if ((insider || ownOrg) && doc.contact) view.contactEmail = await this.vault.reveal(doc.contact);
    if (doc.awardedPence !== null) {
      view.awardedPence = doc.awardedPence;
      view.tranches = doc.tranches;
      view.conditions = doc.conditions ?? [];
    }
    if (doc.feedback !== null && (insider || ownOrg)) view.feedback = doc.feedback;
    if (doc.decidedAt) view.decidedAt = doc.decidedAt;
    if (doc.awardedPence !== null && (insider || ownOrg)) view.acceptedAt = doc.acceptedAt;
    if (monitoringVisible) {
      if (doc.rag) {
        view.rag = doc.rag;
        // A rating's reason is the policy's plain words, or a note staff wrote for themselves.
        if (insider || doc.ragBy === 'system') view.ragReason = doc.ragReason ?? undefined;
        // Older documents (before version 4) have no such field.
        if (doc.ragMessage) view.ragMessage = doc.ragMessage;
      }
      if (doc.status === 'awarded') {
        const { nextDue, overdue } = dueItems(doc, now);
        if (nextDue) view.nextDue = nextDue;
        view.overdue = overdue;
      }
      if (doc.schedule.length > 0) view.schedule = doc.schedule.map((i) => ({ ...i, filedAt: doc.filed[i.key] ?? null }));
    }
    if (doc.closedAt) view.closedAt = doc.closedAt;
    if (!insider && user.roles.includes('panel') && doc.scores[user.sub]) view.yourScores = doc.scores[user.sub];
    return view;
  }
}
