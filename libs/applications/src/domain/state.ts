import { NotFound } from '@pz/platform/domain';
import type { ApplicationDetails } from './drafting/details';
import type { ApplicationEvent } from './events';
import type { DueItem, MonitoringPolicy, RagRating } from './monitoring/policy';

/** What every application carries from the moment its draft is opened. */
interface Opened {
  applicationId: string;
  roundId: string;
  org: string;
  details: ApplicationDetails;
}

/** Sent for assessment: the panel's conflicts and each member's latest scores. */
interface Assessed extends Opened {
  conflicts: string[];
  scores: Record<string, { scores: Record<string, number>; weightedTotal: number }>;
}

/** Awarded: the monitoring the grantee agreed to, what they have filed, and the RAG rating. */
interface Funded extends Assessed {
  awardedPence: number;
  awardedAt: string;
  /** The policy the schedule was built with at the award (null until it is recorded). */
  monitoringPolicy: MonitoringPolicy | null;
  schedule: DueItem[];
  /** Keys of the schedule's items filed so far. */
  filed: string[];
  /** onTrack of the latest monitoring return, if any. */
  latestReturnOnTrack: boolean | null;
  rag: RagRating;
  /** The policy's own last verdict: a staff rating stands until this changes. */
  lastAutomaticRag: RagRating;
  /** When a member of the grantee accepted the offer and its conditions (null: not yet). */
  acceptedAt: string | null;
}

export type NoApplication = { status: 'none' };
export type Draft = Opened & { status: 'draft' };
export type Submitted = Assessed & { status: 'submitted' };
export type Withdrawn = Opened & { status: 'withdrawn' };
/** Declined: the decision is final and nothing was awarded. */
export type Declined = Assessed & { status: 'declined'; awardedPence: null };
export type Awarded = Funded & { status: 'awarded' };
/** Closed by its case study: whether the group agreed to publication, and whether staff approved it. */
export type Closed = Funded & { status: 'closed'; caseStudy: { consent: boolean; approved: boolean } };

/** The stage an application is in, with what that stage knows. */
export type ApplicationState = NoApplication | Draft | Submitted | Withdrawn | Declined | Awarded | Closed;
export type ExistingApplication = Exclude<ApplicationState, NoApplication>;
export type ApplicationStatus = ExistingApplication['status'];

export const initialState = (): ApplicationState => ({ status: 'none' });

/** The application, or NotFound: what every command but opening a draft starts from. */
export function existing(state: ApplicationState, applicationId: string): ExistingApplication {
  if (state.status === 'none') throw new NotFound(`Application ${applicationId} not found`);
  return state;
}

/**
 * The application of the caller's own organisation. Another organisation's is "not found",
 * never "forbidden", so its existence does not leak.
 */
export function ownedBy(state: ApplicationState, command: { applicationId: string; org: string }): ExistingApplication {
  const application = existing(state, command.applicationId);
  if (application.org !== command.org) throw new NotFound(`Application ${command.applicationId} not found`);
  return application;
}

export function isAssessed(state: ApplicationState): state is Submitted | Declined | Awarded | Closed {
  return state.status === 'submitted' || state.status === 'declined' || state.status === 'awarded' || state.status === 'closed';
}

export function isFunded(state: ApplicationState): state is Awarded | Closed {
  return state.status === 'awarded' || state.status === 'closed';
}

/**
 * The next stage after one event. A fact that does not fit the stage (none should, in a stream
 * only this decider wrote) leaves the state as it was rather than inventing a stage.
 */
export function evolve(state: ApplicationState, event: ApplicationEvent): ApplicationState {
  switch (event.type) {
    case 'ApplicationDraftOpened': {
      const { applicationId, roundId, org, details } = event.data;
      return { status: 'draft', applicationId, roundId, org, details };
    }
    case 'ApplicationDraftEdited':
      return state.status === 'draft' ? { ...state, details: { ...state.details, ...event.data.changes } } : state;
    case 'ApplicationSubmitted': {
      if (state.status !== 'draft') return state;
      // Stages are built field by field, not spread: a spread over the union's many shapes runs
      // V8's slow generic copy (a fold was five times slower for it; npm run bench, read.fold).
      const { applicationId, roundId, org, details } = state;
      return { status: 'submitted', applicationId, roundId, org, details, conflicts: [], scores: {} };
    }
    case 'ApplicationWithdrawn': {
      if (state.status !== 'draft' && state.status !== 'submitted') return state;
      const { applicationId, roundId, org, details } = state;
      return { status: 'withdrawn', applicationId, roundId, org, details };
    }
    case 'ConflictOfInterestDeclared': {
      if (!isAssessed(state)) return state;
      // A conflicted member's earlier scores no longer count.
      const { [event.data.member]: _dropped, ...scores } = state.scores;
      return { ...state, conflicts: [...state.conflicts, event.data.member], scores };
    }
    case 'ApplicationScored': {
      if (!isAssessed(state)) return state;
      const { member, scores, weightedTotal } = event.data;
      return { ...state, scores: { ...state.scores, [member]: { scores, weightedTotal } } };
    }
    case 'ApplicationAwarded': {
      if (state.status !== 'submitted') return state;
      const { applicationId, roundId, org, details, conflicts, scores } = state;
      return {
        applicationId,
        roundId,
        org,
        details,
        conflicts,
        scores,
        status: 'awarded',
        awardedPence: event.data.amountPence,
        awardedAt: event.data.awardedAt,
        monitoringPolicy: null,
        schedule: [],
        filed: [],
        latestReturnOnTrack: null,
        rag: 'green',
        lastAutomaticRag: 'green',
        acceptedAt: null,
      };
    }
    case 'ApplicationDeclined':
      return state.status === 'submitted' ? { ...state, status: 'declined', awardedPence: null } : state;
    case 'MonitoringScheduled':
      return isFunded(state) ? { ...state, schedule: event.data.items, monitoringPolicy: event.data.policy } : state;
    case 'ProjectDatesChanged': {
      if (!isFunded(state)) return state;
      const { projectStart, projectEnd, schedule } = event.data;
      return { ...state, details: { ...state.details, projectStart, projectEnd }, schedule };
    }
    case 'FirstCheckInFiled':
      return isFunded(state) ? { ...state, filed: [...state.filed, event.data.itemKey] } : state;
    case 'MonitoringReturnFiled':
      return isFunded(state) ? { ...state, filed: [...state.filed, event.data.itemKey], latestReturnOnTrack: event.data.onTrack } : state;
    case 'CaseStudyFiled':
      return state.status === 'awarded'
        ? { ...state, status: 'closed', filed: [...state.filed, event.data.itemKey], caseStudy: { consent: event.data.caseStudy.consentToPublish, approved: false } }
        : state;
    case 'CaseStudyApproved':
      return state.status === 'closed' ? { ...state, caseStudy: { ...state.caseStudy, approved: true } } : state;
    case 'CaseStudyConsentWithdrawn':
      return state.status === 'closed' ? { ...state, caseStudy: { consent: false, approved: false } } : state;
    case 'OfferAccepted':
      return isFunded(state) ? { ...state, acceptedAt: event.data.acceptedAt } : state;
    case 'GrantRagRated':
      if (!isFunded(state)) return state;
      return {
        ...state,
        rag: event.data.rating,
        lastAutomaticRag: event.data.by === 'system' ? event.data.rating : state.lastAutomaticRag,
      };
  }
}
