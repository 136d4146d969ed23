import { eventTypesOf, type DomainEvent } from '@pz/platform/domain';
import type { SealedValue } from '@pz/people/sealed-value';
import type { ApplicationDetails } from './drafting/details';
import type { DueItem, MonitoringPolicy, RagRating } from './monitoring/policy';

/** The contact's email, sealed with their personal key (crypto-shredding); opaque to the domain. */
export type SealedContact = SealedValue;

export interface Tranche {
  amountPence: number;
  dueOn: string;
}

/** The funder's fixed case-study template, filed at the end of the project. */
export interface CaseStudy {
  title: string;
  summary: string;
  outcomes: string;
  beneficiaries: number;
  quote: string | null;
  lessons: string;
  sustainability: string;
  consentToPublish: boolean;
}

/**
 * Everything that happens to an application, in one stream from draft to closed grant. Facts in
 * the past tense, never changed once shipped: a new field gets a default, a new fact a new type.
 */
export type ApplicationEvent =
  | DomainEvent<'ApplicationDraftOpened', {
      applicationId: string;
      roundId: string;
      org: string;
      openedBy: string;
      details: ApplicationDetails;
      contact: SealedContact | null;
    }>
  | DomainEvent<'ApplicationDraftEdited', { applicationId: string; changes: Partial<ApplicationDetails>; contact?: SealedContact }>
  | DomainEvent<'ApplicationSubmitted', { applicationId: string; roundId: string; submittedAt: string }>
  | DomainEvent<'ApplicationWithdrawn', { applicationId: string; reason: string | null; withdrawnAt: string }>
  | DomainEvent<'ConflictOfInterestDeclared', { applicationId: string; member: string; reason: string }>
  | DomainEvent<'ApplicationScored', {
      applicationId: string;
      member: string;
      scores: Record<string, number>;
      comment: string;
      weightedTotal: number;
    }>
  | DomainEvent<'ApplicationAwarded', {
      applicationId: string;
      roundId: string;
      amountPence: number;
      tranches: Tranche[];
      conditions: string[];
      note: string | null;
      awardedAt: string;
    }>
  | DomainEvent<'ApplicationDeclined', { applicationId: string; roundId: string; feedback: string; declinedAt: string }>
  | DomainEvent<'MonitoringScheduled', { applicationId: string; items: DueItem[]; policy: MonitoringPolicy }>
  | DomainEvent<'FirstCheckInFiled', { applicationId: string; itemKey: string; summary: string; supportNeeded: string; filedAt: string }>
  | DomainEvent<'MonitoringReturnFiled', {
      applicationId: string;
      itemKey: string;
      period: string;
      spentPence: number;
      beneficiaries: number;
      progress: string;
      onTrack: boolean;
      issues: string | null;
      filedAt: string;
    }>
  | DomainEvent<'CaseStudyFiled', { applicationId: string; itemKey: string; caseStudy: CaseStudy; filedAt: string }>
  /** Staff approved a case study its group consented to: it may be published. */
  | DomainEvent<'CaseStudyApproved', { applicationId: string; approvedAt: string }>
  /** The group withdrew its consent: the case study is no longer published, approved or not. */
  | DomainEvent<'CaseStudyConsentWithdrawn', { applicationId: string; withdrawnAt: string }>
  | DomainEvent<'ProjectDatesChanged', {
      applicationId: string;
      projectStart: string;
      projectEnd: string;
      /** Why staff moved them: shown to staff and auditors. */
      reason: string;
      changedAt: string;
      /** The monitoring schedule the new dates give (filed items as they were), and the one it replaces. */
      schedule: DueItem[];
      previousSchedule: DueItem[];
    }>
  /** The grantee accepted the offer and its conditions: who, for the organisation, and when. */
  | DomainEvent<'OfferAccepted', { applicationId: string; acceptedBy: string; acceptedAt: string }>
  | DomainEvent<'GrantRagRated', {
      applicationId: string;
      rating: RagRating;
      previous: RagRating;
      reason: string;
      by: 'system' | 'staff';
      ratedAt: string;
      /** What staff chose to tell the grantee about the rating (the reason is staff's own note). */
      message?: string;
    }>;

export type ApplicationEventType = ApplicationEvent['type'];
/** One event's payload, by type. */
export type EventData<T extends ApplicationEventType> = Extract<ApplicationEvent, { type: T }>['data'];

/** Every type the stream may hold, as this build knows them (the compiler insists on each). */
export const APPLICATION_EVENT_TYPES = eventTypesOf<ApplicationEventType>({
  ApplicationDraftOpened: true,
  ApplicationDraftEdited: true,
  ApplicationSubmitted: true,
  ApplicationWithdrawn: true,
  ConflictOfInterestDeclared: true,
  ApplicationScored: true,
  ApplicationAwarded: true,
  ApplicationDeclined: true,
  MonitoringScheduled: true,
  FirstCheckInFiled: true,
  MonitoringReturnFiled: true,
  CaseStudyFiled: true,
  CaseStudyApproved: true,
  CaseStudyConsentWithdrawn: true,
  GrantRagRated: true,
  ProjectDatesChanged: true,
  OfferAccepted: true,
});
