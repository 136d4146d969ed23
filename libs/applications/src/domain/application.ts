import { Conflict, Decider, DomainEvent, Forbidden, InvalidCommand, NotFound, Problems } from '@pz/platform/domain';
import type { SealedValue } from '@pz/people/sealed-value';
import {
  DueItem,
  MonitoringPolicy,
  monitoringSchedule,
  RagPolicy,
  RagRating,
  ragVerdict,
} from './monitoring';
import { roundStatusAt, type Criterion, type RoundKind } from '@pz/rounds/domain/round';

export type ApplicationStatus = 'draft' | 'submitted' | 'withdrawn' | 'awarded' | 'declined' | 'closed';

export interface Partner {
  name: string;
  identifier?: string;
}

export interface ApplicationDetails {
  title: string;
  zone: string;
  theme: string;
  summary: string;
  requestedPence: number;
  /** Calendar dates, YYYY-MM-DD. */
  projectStart: string;
  projectEnd: string;
  sustainability: string;
  partners: Partner[];
  answers: Record<string, string>;
}

/** The contact's email, sealed with their personal key (crypto-shredding); opaque to the domain. */
export type SealedContact = SealedValue;

export interface Tranche {
  amountPence: number;
  dueOn: string;
}

/** What an application decision needs to know about its round, read from the round's stream. */
export interface RoundFacts {
  roundId: string;
  kind: RoundKind;
  zones: string[];
  themes: string[];
  opensAt: string;
  closesAt: string;
  cancelledAt: string | null;
  budgetPence: number;
  maxAwardPence: number | null;
  criteria: Criterion[];
  panel: string[];
}

export const BRANDING_CONDITION = 'people-zones-branding';
export const STEERING_GROUP_CONDITION = 'steering-group-attendance';
/** Awards of £5,000 or more carry the steering-group attendance condition. */
export const STEERING_GROUP_THRESHOLD_PENCE = 500_000;
export const SCORE_MIN = 0;
export const SCORE_MAX = 5;

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
  | DomainEvent<'GrantRagRated', {
      applicationId: string;
      rating: RagRating;
      previous: RagRating;
      reason: string;
      by: 'system' | 'staff';
      ratedAt: string;
    }>;

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

interface Base {
  applicationId: string;
  now: string;
}
/** Commands an applicant gives carry their organisation: another organisation's application is "not found". */
interface AsApplicant extends Base {
  org: string;
}

export type ApplicationCommand =
  | (AsApplicant & {
      type: 'OpenDraft';
      openedBy: string;
      round: RoundFacts;
      details: ApplicationDetails;
      contact: SealedContact | null;
    })
  | (AsApplicant & { type: 'EditDraft'; round: RoundFacts; changes: Partial<ApplicationDetails>; contact?: SealedContact })
  | (AsApplicant & { type: 'SubmitApplication'; round: RoundFacts })
  | (AsApplicant & { type: 'WithdrawApplication'; reason?: string })
  | (Base & { type: 'DeclareConflict'; member: string; round: RoundFacts; reason: string })
  | (Base & { type: 'ScoreApplication'; member: string; round: RoundFacts; scores: Record<string, number>; comment: string })
  | (Base & {
      type: 'AwardGrant';
      round: RoundFacts;
      monitoringPolicy: MonitoringPolicy;
      amountPence: number;
      tranches?: Tranche[];
      conditions?: string[];
      note?: string;
    })
  | (Base & { type: 'DeclineApplication'; round: RoundFacts; feedback: string })
  | (AsApplicant & { type: 'FileCheckIn'; summary: string; supportNeeded: string; ragPolicy: RagPolicy })
  | (AsApplicant & {
      type: 'FileMonitoringReturn';
      period: string;
      spentPence: number;
      beneficiaries: number;
      progress: string;
      onTrack: boolean;
      issues?: string;
      ragPolicy: RagPolicy;
    })
  | (AsApplicant & { type: 'FileCaseStudy'; caseStudy: CaseStudy })
  | (Base & { type: 'RateGrant'; rating: RagRating; reason: string })
  | (Base & { type: 'EvaluateRag'; ragPolicy: RagPolicy });

export interface ApplicationState {
  applicationId: string | null;
  roundId: string | null;
  org: string | null;
  status: ApplicationStatus | null;
  details: ApplicationDetails | null;
  conflicts: string[];
  /** member -> their latest scores */
  scores: Record<string, { scores: Record<string, number>; weightedTotal: number }>;
  awardedPence: number | null;
  schedule: DueItem[];
  filed: string[];
  latestReturnOnTrack: boolean | null;
  rag: RagRating | null;
  /** The policy's own last verdict: a staff rating stands until this changes. */
  lastAutomaticRag: RagRating | null;
}

export const applicationDecider: Decider<ApplicationCommand, ApplicationState, ApplicationEvent> = {
  initialState: () => ({
    applicationId: null,
    roundId: null,
    org: null,
    status: null,
    details: null,
    conflicts: [],
    scores: {},
    awardedPence: null,
    schedule: [],
    filed: [],
    latestReturnOnTrack: null,
    rag: null,
    lastAutomaticRag: null,
  }),

  decide(command, state) {
    if (command.type === 'OpenDraft') return openDraft(command, state);
    if (!state.status || !state.details) throw new NotFound(`Application ${command.applicationId} not found`);
    if ('org' in command && command.org !== state.org) {
      throw new NotFound(`Application ${command.applicationId} not found`);
    }
    switch (command.type) {
      case 'EditDraft':
        return editDraft(command, state, state.details);
      case 'SubmitApplication':
        return submit(command, state, state.details);
      case 'WithdrawApplication':
        return withdraw(command, state);
      case 'DeclareConflict':
        return declareConflict(command, state);
      case 'ScoreApplication':
        return score(command, state);
      case 'AwardGrant':
        return award(command, state, state.details);
      case 'DeclineApplication':
        return decline(command, state);
      case 'FileCheckIn':
        return fileCheckIn(command, state);
      case 'FileMonitoringReturn':
        return fileReturn(command, state);
      case 'FileCaseStudy':
        return fileCaseStudy(command, state);
      case 'RateGrant':
        return rateGrant(command, state);
      case 'EvaluateRag':
        return state.status === 'awarded' ? reassess(state, command.now, command.ragPolicy) : [];
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ApplicationDraftOpened':
        return {
          ...state,
          applicationId: event.data.applicationId,
          roundId: event.data.roundId,
          org: event.data.org,
          status: 'draft',
          details: event.data.details,
        };
      case 'ApplicationDraftEdited':
        return { ...state, details: state.details && { ...state.details, ...event.data.changes } };
      case 'ApplicationSubmitted':
        return { ...state, status: 'submitted' };
      case 'ApplicationWithdrawn':
        return { ...state, status: 'withdrawn' };
      case 'ConflictOfInterestDeclared': {
        // A conflicted member's earlier scores no longer count.
        const { [event.data.member]: _dropped, ...scores } = state.scores;
        return { ...state, conflicts: [...state.conflicts, event.data.member], scores };
      }
      case 'ApplicationScored':
        return {
          ...state,
          scores: { ...state.scores, [event.data.member]: { scores: event.data.scores, weightedTotal: event.data.weightedTotal } },
        };
      case 'ApplicationAwarded':
        return { ...state, status: 'awarded', awardedPence: event.data.amountPence, rag: 'green', lastAutomaticRag: 'green' };
      case 'ApplicationDeclined':
        return { ...state, status: 'declined' };
      case 'MonitoringScheduled':
        return { ...state, schedule: event.data.items };
      case 'FirstCheckInFiled':
        return { ...state, filed: [...state.filed, event.data.itemKey] };
      case 'MonitoringReturnFiled':
        return { ...state, filed: [...state.filed, event.data.itemKey], latestReturnOnTrack: event.data.onTrack };
      case 'CaseStudyFiled':
        return { ...state, filed: [...state.filed, event.data.itemKey], status: 'closed' };
      case 'GrantRagRated':
        return {
          ...state,
          rag: event.data.rating,
          lastAutomaticRag: event.data.by === 'system' ? event.data.rating : state.lastAutomaticRag,
        };
    }
  },
};

type Cmd<T extends ApplicationCommand['type']> = Extract<ApplicationCommand, { type: T }>;

function openDraft(c: Cmd<'OpenDraft'>, state: ApplicationState): ApplicationEvent[] {
  if (state.status) throw new Conflict(`Application ${c.applicationId} already exists`);
  const status = roundStatusAt(c.round, c.now);
  if (status === 'cancelled' || status === 'closed') {
    throw new Conflict(`The round is ${status}; it takes no new applications`);
  }
  const problems = new Problems();
  checkDetails(problems, c.details, c.round);
  problems.throwIfAny();
  return [
    {
      type: 'ApplicationDraftOpened',
      data: {
        applicationId: c.applicationId,
        roundId: c.round.roundId,
        org: c.org,
        openedBy: c.openedBy,
        details: c.details,
        contact: c.contact,
      },
    },
  ];
}

function editDraft(c: Cmd<'EditDraft'>, state: ApplicationState, details: ApplicationDetails): ApplicationEvent[] {
  if (state.status !== 'draft') throw new Conflict(`Only a draft can be edited; this application is ${state.status}`);
  const roundStatus = roundStatusAt(c.round, c.now);
  if (roundStatus === 'closed' || roundStatus === 'cancelled') {
    throw new Conflict(`The round is ${roundStatus}; this draft can no longer be submitted, so it cannot be edited`);
  }
  const problems = new Problems();
  checkDetails(problems, { ...details, ...c.changes }, c.round);
  problems.throwIfAny();
  const changes = Object.fromEntries(
    Object.entries(c.changes).filter(
      ([key, value]) => JSON.stringify(value) !== JSON.stringify(details[key as keyof ApplicationDetails]),
    ),
  ) as Partial<ApplicationDetails>;
  if (Object.keys(changes).length === 0 && !c.contact) return [];
  return [
    {
      type: 'ApplicationDraftEdited',
      data: { applicationId: c.applicationId, changes, ...(c.contact ? { contact: c.contact } : {}) },
    },
  ];
}

/** Rules a draft must keep at every step: it names something the round actually funds. */
function checkDetails(problems: Problems, d: ApplicationDetails, round: RoundFacts): void {
  problems
    .check(round.zones.includes(d.zone), `zone: this round does not cover "${d.zone}" (it covers ${round.zones.join(', ')})`)
    .check(round.themes.includes(d.theme), `theme: this round does not fund "${d.theme}" (it funds ${round.themes.join(', ')})`)
    .check(d.projectEnd > d.projectStart, 'projectEnd must be after projectStart');
}

function submit(c: Cmd<'SubmitApplication'>, state: ApplicationState, d: ApplicationDetails): ApplicationEvent[] {
  if (state.status === 'submitted') return [];
  if (state.status !== 'draft') throw new Conflict(`Only a draft can be submitted; this application is ${state.status}`);
  const status = roundStatusAt(c.round, c.now);
  if (status !== 'open') {
    throw new Conflict(
      status === 'scheduled'
        ? `The round opens at ${c.round.opensAt}; submit then`
        : `The round is ${status}; it closed at ${c.round.closesAt}`,
    );
  }
  const problems = new Problems()
    .check(d.sustainability.trim().length > 0, 'sustainability: every application must say how the project will last beyond the grant')
    .check(
      c.round.maxAwardPence === null || d.requestedPence <= c.round.maxAwardPence,
      `requestedPence: this round awards at most ${c.round.maxAwardPence} pence`,
    )
    .check(d.requestedPence <= c.round.budgetPence, `requestedPence: more than the round's whole budget`)
    .check(c.round.kind !== 'collaborative' || d.partners.length > 0, 'partners: a collaborative round needs at least one partner');
  checkDetails(problems, d, c.round);
  problems.throwIfAny();
  return [{ type: 'ApplicationSubmitted', data: { applicationId: c.applicationId, roundId: c.round.roundId, submittedAt: c.now } }];
}

function withdraw(c: Cmd<'WithdrawApplication'>, state: ApplicationState): ApplicationEvent[] {
  if (state.status === 'withdrawn') return [];
  if (state.status !== 'draft' && state.status !== 'submitted') {
    throw new Conflict(`A decided application cannot be withdrawn; this one is ${state.status}`);
  }
  return [
    { type: 'ApplicationWithdrawn', data: { applicationId: c.applicationId, reason: c.reason?.trim() || null, withdrawnAt: c.now } },
  ];
}

/** Someone not on this round's panel learns nothing of its applications, not even that they exist. */
function assertPanelMember(member: string, round: RoundFacts, applicationId: string): void {
  if (!round.panel.includes(member)) throw new NotFound(`Application ${applicationId} not found`);
}

function declareConflict(c: Cmd<'DeclareConflict'>, state: ApplicationState): ApplicationEvent[] {
  assertPanelMember(c.member, c.round, c.applicationId);
  if (state.status === 'draft') throw new NotFound(`Application ${c.applicationId} not found`);
  if (state.conflicts.includes(c.member)) return [];
  new Problems().check(c.reason.trim().length > 0, 'reason must not be empty').throwIfAny();
  return [{ type: 'ConflictOfInterestDeclared', data: { applicationId: c.applicationId, member: c.member, reason: c.reason.trim() } }];
}

export function weightedTotal(scores: Record<string, number>, criteria: readonly Criterion[]): number {
  return criteria.reduce((sum, k) => sum + (scores[k.key] ?? 0) * k.weight, 0);
}

function score(c: Cmd<'ScoreApplication'>, state: ApplicationState): ApplicationEvent[] {
  assertPanelMember(c.member, c.round, c.applicationId);
  if (state.conflicts.includes(c.member)) {
    throw new Forbidden('You declared a conflict of interest on this application, so you cannot score it');
  }
  if (state.status === 'draft') throw new NotFound(`Application ${c.applicationId} not found`);
  if (state.status !== 'submitted') {
    throw new Conflict(`Scores can change only until the decision; this application is ${state.status}`);
  }
  const problems = new Problems();
  const keys = c.round.criteria.map((k) => k.key);
  for (const key of keys) {
    const value = c.scores[key];
    problems.check(value !== undefined, `scores.${key} is missing`);
    if (value !== undefined) {
      problems.check(
        Number.isInteger(value) && value >= SCORE_MIN && value <= SCORE_MAX,
        `scores.${key} must be a whole number from ${SCORE_MIN} to ${SCORE_MAX}`,
      );
    }
  }
  for (const key of Object.keys(c.scores)) {
    problems.check(keys.includes(key), `scores.${key} is not a criterion of this round (${keys.join(', ')})`);
  }
  problems.throwIfAny();
  const scores = Object.fromEntries(keys.map((k) => [k, c.scores[k]]));
  const total = weightedTotal(scores, c.round.criteria);
  return [
    {
      type: 'ApplicationScored',
      data: { applicationId: c.applicationId, member: c.member, scores, comment: c.comment.trim(), weightedTotal: total },
    },
  ];
}

function assertDecidable(state: ApplicationState, round: RoundFacts, now: string, decision: 'award' | 'decline'): void {
  if (state.status === 'awarded' || state.status === 'declined' || state.status === 'closed') {
    throw new Conflict(`This application has already been decided (${state.status})`);
  }
  if (state.status !== 'submitted') throw new Conflict(`Only a submitted application can be decided; this one is ${state.status}`);
  const status = roundStatusAt(round, now);
  if (status === 'cancelled') {
    // Bids in a cancelled round are owed an answer, but no money.
    if (decision === 'decline') return;
    throw new Conflict('The round has been cancelled; its applications can only be declined');
  }
  if (status !== 'closed') {
    // Deciding while the round is open would let early bids use up the budget before others are in.
    throw new Conflict(`Decisions are made after the round closes (${round.closesAt})`);
  }
}

function award(c: Cmd<'AwardGrant'>, state: ApplicationState, d: ApplicationDetails): ApplicationEvent[] {
  assertDecidable(state, c.round, c.now, 'award');
  const awardDate = c.now.slice(0, 10);
  const tranches = c.tranches && c.tranches.length > 0 ? c.tranches : [{ amountPence: c.amountPence, dueOn: awardDate }];
  const trancheTotal = tranches.reduce((sum, t) => sum + t.amountPence, 0);
  const problems = new Problems()
    .check(Number.isSafeInteger(c.amountPence) && c.amountPence > 0, 'amountPence must be a positive whole number of pence')
    .check(c.amountPence <= d.requestedPence, `amountPence must not exceed the ${d.requestedPence} pence requested`)
    .check(
      c.round.maxAwardPence === null || c.amountPence <= c.round.maxAwardPence,
      `amountPence must not exceed the round's maximum award of ${c.round.maxAwardPence} pence`,
    )
    .check(trancheTotal === c.amountPence, `tranches must add up to amountPence (${trancheTotal} ≠ ${c.amountPence})`)
    .check(tranches.every((t) => t.amountPence > 0), 'every tranche must be a positive amount')
    .check(
      tranches.every((t, i) => i === 0 || t.dueOn >= tranches[i - 1].dueOn),
      'tranches must be in date order',
    );
  problems.throwIfAny();
  const conditions = [BRANDING_CONDITION];
  if (c.amountPence >= STEERING_GROUP_THRESHOLD_PENCE) conditions.push(STEERING_GROUP_CONDITION);
  for (const extra of c.conditions ?? []) if (!conditions.includes(extra)) conditions.push(extra);
  return [
    {
      type: 'ApplicationAwarded',
      data: {
        applicationId: c.applicationId,
        roundId: c.round.roundId,
        amountPence: c.amountPence,
        tranches: tranches.map((t) => ({ amountPence: t.amountPence, dueOn: t.dueOn })),
        conditions,
        note: c.note?.trim() || null,
        awardedAt: c.now,
      },
    },
    {
      type: 'MonitoringScheduled',
      data: { applicationId: c.applicationId, items: monitoringSchedule(c.now, d.projectEnd, c.monitoringPolicy), policy: c.monitoringPolicy },
    },
  ];
}

function decline(c: Cmd<'DeclineApplication'>, state: ApplicationState): ApplicationEvent[] {
  assertDecidable(state, c.round, c.now, 'decline');
  if (c.feedback.trim().length === 0) throw new InvalidCommand(['feedback must not be empty: applicants are owed a reason']);
  return [
    {
      type: 'ApplicationDeclined',
      data: { applicationId: c.applicationId, roundId: c.round.roundId, feedback: c.feedback.trim(), declinedAt: c.now },
    },
  ];
}

function assertMonitored(state: ApplicationState): void {
  if (state.status === 'closed') throw new Conflict('This grant is closed: its case study has been filed');
  if (state.status !== 'awarded') throw new Conflict(`Monitoring applies to awarded grants; this application is ${state.status}`);
}

function nextOutstanding(state: ApplicationState, kind: DueItem['kind']): DueItem | undefined {
  return state.schedule.find((i) => i.kind === kind && !state.filed.includes(i.key));
}

/**
 * The policy's verdict after a change: recorded only when it differs from the policy's previous
 * verdict, so a staff rating stands until something new happens (an item filed or overdue).
 */
function reassess(state: ApplicationState, now: string, policy: RagPolicy, changes: ApplicationEvent[] = []): ApplicationEvent[] {
  const after = changes.reduce(applicationDecider.evolve, state);
  if (after.status !== 'awarded') return changes;
  const verdict = ragVerdict({ schedule: after.schedule, filed: after.filed, latestReturnOnTrack: after.latestReturnOnTrack }, now, policy);
  if (verdict.rating === after.lastAutomaticRag) return changes;
  return [
    ...changes,
    {
      type: 'GrantRagRated',
      data: {
        applicationId: after.applicationId!,
        rating: verdict.rating,
        previous: after.rag ?? 'green',
        reason: verdict.reason,
        by: 'system',
        ratedAt: now,
      },
    },
  ];
}

function fileCheckIn(c: Cmd<'FileCheckIn'>, state: ApplicationState): ApplicationEvent[] {
  assertMonitored(state);
  const item = nextOutstanding(state, 'check-in');
  if (!item) throw new Conflict('The first-month check-in has already been filed');
  new Problems().check(c.summary.trim().length > 0, 'summary must not be empty').throwIfAny();
  return reassess(state, c.now, c.ragPolicy, [
    {
      type: 'FirstCheckInFiled',
      data: { applicationId: c.applicationId, itemKey: item.key, summary: c.summary.trim(), supportNeeded: c.supportNeeded.trim(), filedAt: c.now },
    },
  ]);
}

function fileReturn(c: Cmd<'FileMonitoringReturn'>, state: ApplicationState): ApplicationEvent[] {
  assertMonitored(state);
  const item = nextOutstanding(state, 'return');
  if (!item) throw new Conflict('Every scheduled monitoring return has been filed; the case study is what remains');
  new Problems()
    .check(c.period.trim().length > 0, 'period must not be empty')
    .check(c.progress.trim().length > 0, 'progress must not be empty')
    .check(Number.isSafeInteger(c.spentPence) && c.spentPence >= 0, 'spentPence must be a whole number of pence, 0 or more')
    .check(Number.isSafeInteger(c.beneficiaries) && c.beneficiaries >= 0, 'beneficiaries must be a whole number, 0 or more')
    .throwIfAny();
  return reassess(state, c.now, c.ragPolicy, [
    {
      type: 'MonitoringReturnFiled',
      data: {
        applicationId: c.applicationId,
        itemKey: item.key,
        period: c.period.trim(),
        spentPence: c.spentPence,
        beneficiaries: c.beneficiaries,
        progress: c.progress.trim(),
        onTrack: c.onTrack,
        issues: c.issues?.trim() || null,
        filedAt: c.now,
      },
    },
  ]);
}

function fileCaseStudy(c: Cmd<'FileCaseStudy'>, state: ApplicationState): ApplicationEvent[] {
  assertMonitored(state);
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

function rateGrant(c: Cmd<'RateGrant'>, state: ApplicationState): ApplicationEvent[] {
  assertMonitored(state);
  new Problems().check(c.reason.trim().length > 0, 'reason must not be empty: every rating says why').throwIfAny();
  return [
    {
      type: 'GrantRagRated',
      data: { applicationId: c.applicationId, rating: c.rating, previous: state.rag ?? 'green', reason: c.reason.trim(), by: 'staff', ratedAt: c.now },
    },
  ];
}


export const applicationStreamId = (id: string) => `application-${id}`;
