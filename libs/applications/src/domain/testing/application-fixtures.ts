/**
 * Fixtures shared by the application stream's decider specs: the fixed clock, ids, the round and
 * the draft's details, event and command builders, the `given` binding and the status narrowing.
 * The drafting, assessment and decision specs use them as they are (`round()`: two zones, two
 * themes, a panel of two; drafts opened with a sealed CONTACT); monitoring-fixtures.ts builds the
 * monitored grant's own inputs on top of them.
 * Test-only: under `testing/`, left out of the build; plain values and builders, no I/O, no clock.
 */
import { givenDecider } from '@pz/platform/domain/testing';
import { DEFAULT_CRITERIA } from '@pz/rounds/domain';
import { ApplicationCommand, applicationDecider } from '../application';
import { BRANDING_CONDITION } from '../decision/award-grant';
import { ApplicationDetails } from '../drafting/details';
import { ApplicationEvent, SealedContact } from '../events';
import { RoundFacts } from '../round-facts';
import { type ApplicationState } from '../state';

// ---------------------------------------------------------------------------------------------
// Fixed clock: the round opens 1 June 2024 09:00 and closes 29 June 2024 17:00 (UTC).
// ---------------------------------------------------------------------------------------------
export const OPENS_AT = '2024-06-01T09:00:00.000Z';
export const CLOSES_AT = '2024-06-29T17:00:00.000Z';
export const BEFORE_OPEN = '2024-05-10T12:00:00.000Z';
export const JUST_BEFORE_OPEN = '2024-06-01T08:59:59.999Z';
export const WHILE_OPEN = '2024-06-10T12:00:00.000Z';
export const JUST_BEFORE_CLOSE = '2024-06-29T16:59:59.999Z';
export const AFTER_CLOSE = '2024-07-15T10:30:00.000Z';

export const APP = 'app-1';
export const ORG = 'org-bell-foundry-gardeners';
export const OTHER_ORG = 'org-someone-else';

export const CONTACT: SealedContact = { $pii: 1, person: 'person-1', iv: 'aXY=', ct: 'Y3Q=', tag: 'dGFn' };
export const NEW_CONTACT: SealedContact = { $pii: 1, person: 'person-2', iv: 'aXYy', ct: 'Y3Qy', tag: 'dGFnMg==' };

/** The default monitoring policy (check-in after a month, returns every quarter), as awards carry it. */
export const MONITORING = { firstCheckinAfter: 'P1M', monitoringInterval: 'P3M' };

export function round(overrides: Partial<RoundFacts> = {}): RoundFacts {
  return {
    roundId: 'round-1',
    kind: 'standard',
    zones: ['bell-foundry', 'new-parks'],
    themes: ['Pride of Place', 'Health and Wellbeing'],
    opensAt: OPENS_AT,
    closesAt: CLOSES_AT,
    cancelledAt: null,
    budgetPence: 4_000_000,
    maxAwardPence: 1_000_000,
    criteria: DEFAULT_CRITERIA.map((k) => ({ ...k })),
    panel: ['panel-1', 'panel-2'],
    ...overrides,
  };
}

export function details(overrides: Partial<ApplicationDetails> = {}): ApplicationDetails {
  return {
    title: 'Bell Foundry Community Garden',
    zone: 'bell-foundry',
    theme: 'Pride of Place',
    summary: 'Turning a disused plot into a garden run by local families.',
    requestedPence: 600_000,
    projectStart: '2024-09-01',
    projectEnd: '2025-08-31',
    sustainability: 'A residents’ association takes the garden on after year one.',
    partners: [],
    answers: {},
    ...overrides,
  };
}

// ---- events -----------------------------------------------------------------------------------
export const opened = (d: Partial<ApplicationDetails> = {}, org = ORG, contact: SealedContact | null = CONTACT): ApplicationEvent => ({
  type: 'ApplicationDraftOpened',
  data: { applicationId: APP, roundId: 'round-1', org, openedBy: 'user-1', details: details(d), contact },
});
export const edited = (changes: Partial<ApplicationDetails>): ApplicationEvent => ({
  type: 'ApplicationDraftEdited',
  data: { applicationId: APP, changes },
});
export const submitted = (): ApplicationEvent => ({
  type: 'ApplicationSubmitted',
  data: { applicationId: APP, roundId: 'round-1', submittedAt: WHILE_OPEN },
});
export const withdrawn = (): ApplicationEvent => ({
  type: 'ApplicationWithdrawn',
  data: { applicationId: APP, reason: null, withdrawnAt: WHILE_OPEN },
});
export const conflictDeclared = (member: string): ApplicationEvent => ({
  type: 'ConflictOfInterestDeclared',
  data: { applicationId: APP, member, reason: 'I am a trustee' },
});
export const scored = (member: string, scores: Record<string, number>, total: number): ApplicationEvent => ({
  type: 'ApplicationScored',
  data: { applicationId: APP, member, scores, comment: '', weightedTotal: total },
});
export const awarded = (amountPence = 400_000): ApplicationEvent => ({
  type: 'ApplicationAwarded',
  data: {
    applicationId: APP,
    roundId: 'round-1',
    amountPence,
    tranches: [{ amountPence, dueOn: '2024-07-15' }],
    conditions: [BRANDING_CONDITION],
    note: null,
    awardedAt: AFTER_CLOSE,
  },
});
export const declined = (): ApplicationEvent => ({
  type: 'ApplicationDeclined',
  data: { applicationId: APP, roundId: 'round-1', feedback: 'Not this time', declinedAt: AFTER_CLOSE },
});

// ---- commands ---------------------------------------------------------------------------------
export type Cmd<T extends ApplicationCommand['type']> = Extract<ApplicationCommand, { type: T }>;

export const openDraft = (o: Partial<Cmd<'OpenDraft'>> = {}): Cmd<'OpenDraft'> => ({
  type: 'OpenDraft',
  applicationId: APP,
  org: ORG,
  openedBy: 'user-1',
  now: WHILE_OPEN,
  round: round(),
  details: details(),
  contact: CONTACT,
  ...o,
});
export const editDraft = (changes: Partial<ApplicationDetails>, o: Partial<Cmd<'EditDraft'>> = {}): Cmd<'EditDraft'> => ({
  type: 'EditDraft',
  applicationId: APP,
  org: ORG,
  now: WHILE_OPEN,
  round: round(),
  changes,
  ...o,
});
export const submit = (o: Partial<Cmd<'SubmitApplication'>> = {}): Cmd<'SubmitApplication'> => ({
  type: 'SubmitApplication',
  applicationId: APP,
  org: ORG,
  now: WHILE_OPEN,
  round: round(),
  ...o,
});
export const withdraw = (o: Partial<Cmd<'WithdrawApplication'>> = {}): Cmd<'WithdrawApplication'> => ({
  type: 'WithdrawApplication',
  applicationId: APP,
  org: ORG,
  now: WHILE_OPEN,
  ...o,
});
export const declareConflict = (o: Partial<Cmd<'DeclareConflict'>> = {}): Cmd<'DeclareConflict'> => ({
  type: 'DeclareConflict',
  applicationId: APP,
  member: 'panel-1',
  now: AFTER_CLOSE,
  round: round(),
  reason: '  I am a trustee of the applicant  ',
  ...o,
});
export const GOOD_SCORES = { need: 4, outcomes: 3, deliverability: 4, 'value-for-money': 3, sustainability: 5 };
// 4*2 + 3*2 + 4*2 + 3*1 + 5*3 = 40
export const GOOD_TOTAL = 40;
export const scoreCmd = (o: Partial<Cmd<'ScoreApplication'>> = {}): Cmd<'ScoreApplication'> => ({
  type: 'ScoreApplication',
  applicationId: APP,
  member: 'panel-1',
  now: AFTER_CLOSE,
  round: round(),
  scores: { ...GOOD_SCORES },
  comment: '  Credible plan.  ',
  ...o,
});
export const award = (o: Partial<Cmd<'AwardGrant'>> = {}): Cmd<'AwardGrant'> => ({
  type: 'AwardGrant',
  applicationId: APP,
  now: AFTER_CLOSE,
  round: round(),
  amountPence: 400_000,
  monitoringPolicy: MONITORING,
  ...o,
});
export const decline = (o: Partial<Cmd<'DeclineApplication'>> = {}): Cmd<'DeclineApplication'> => ({
  type: 'DeclineApplication',
  applicationId: APP,
  now: AFTER_CLOSE,
  round: round(),
  feedback: '  The budget was not clear enough.  ',
  ...o,
});

// ---- given / when / then ----------------------------------------------------------------------
export const given = givenDecider(applicationDecider);
/** The state, checked to be at `status`, and typed as that stage. */
export function inStatus<S extends ApplicationState['status']>(state: ApplicationState, status: S): Extract<ApplicationState, { status: S }> {
  assertStatus(state, status);
  return state;
}
export function assertStatus<S extends ApplicationState['status']>(state: ApplicationState, status: S): asserts state is Extract<ApplicationState, { status: S }> {
  expect(state.status).toBe(status);
}

export const aDraft = () => [opened()];
export const aSubmitted = () => [opened(), submitted()];
