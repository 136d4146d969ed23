/**
 * Fixtures for the monitoring specs (monitoring/*.spec.ts), which follow one grant from its award
 * to its case study. They build on application-fixtures.ts, but the grant's inputs are its own:
 * `monitoringRound()` (one zone, one theme, a panel of one), a draft opened without a contact,
 * awarded at `AWARDED_AT` under MONITORING with the `SCHEDULE` below.
 * Test-only: under `testing/`, left out of the build; plain values and builders, no I/O, no clock.
 */
import { ApplicationDetails } from '../drafting/details';
import { ApplicationEvent, CaseStudy } from '../events';
import { DueItem, RagPolicy, RagRating } from '../monitoring/policy';
import { RoundFacts } from '../round-facts';
import { type ApplicationState, type Awarded, type Closed } from '../state';
import { AFTER_CLOSE, APP, award, awarded, type Cmd, MONITORING, opened, ORG, round, submitted } from './application-fixtures';

// ---------------------------------------------------------------------------------------------
// Fixed clock. The round closed 29 June 2024; the grant was awarded 15 July 2024 10:30 (UTC) for a
// project ending 31 August 2025, under the default policy (check-in P1M, returns P3M).
// ---------------------------------------------------------------------------------------------
/** The award instant: the same moment as AFTER_CLOSE, named for what happens then. */
export const AWARDED_AT = AFTER_CLOSE;

export const RAG: RagPolicy = { amberAfter: 'P7D', redAfter: 'P28D' };

export const CHECK_IN_DUE = '2024-08-15T10:30:00.000Z';
export const RETURN_1_DUE = '2024-10-15T10:30:00.000Z';
/** What the award makes of the default policy, in UK time (11:30 in the UK: 11:30 UTC in winter). */
export const SCHEDULE: DueItem[] = [
  { key: 'check-in', kind: 'check-in', dueAt: CHECK_IN_DUE },
  { key: 'return-1', kind: 'return', dueAt: RETURN_1_DUE },
  { key: 'return-2', kind: 'return', dueAt: '2025-01-15T11:30:00.000Z' },
  { key: 'return-3', kind: 'return', dueAt: '2025-04-15T10:30:00.000Z' },
  { key: 'return-4', kind: 'return', dueAt: '2025-07-15T10:30:00.000Z' },
  { key: 'case-study', kind: 'case-study', dueAt: '2025-08-31T22:59:59.999Z' },
];

export const DAY = 86_400_000;
/** A fixed instant shifted by a number of milliseconds (plain arithmetic, never the clock). */
export const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** On time: the day after the check-in was due, nothing late. */
export const ON_TIME = '2024-08-16T09:00:00.000Z';
/** The check-in 8 days overdue: Amber. */
export const CHECK_IN_AMBER = shift(CHECK_IN_DUE, 8 * DAY);
/** The check-in 29 days overdue: Red. */
export const CHECK_IN_RED = shift(CHECK_IN_DUE, 29 * DAY);

/** The round the monitored grant was awarded in: one zone, one theme, a panel of one. */
export function monitoringRound(overrides: Partial<RoundFacts> = {}): RoundFacts {
  return round({ zones: ['bell-foundry'], themes: ['Pride of Place'], panel: ['panel-1'], ...overrides });
}

export const CASE_STUDY: CaseStudy = {
  title: '  Growing together  ',
  summary: 'Families built a garden.',
  outcomes: 'Forty households took part',
  beneficiaries: 40,
  quote: '  It brought the street together  ',
  lessons: 'Start in spring',
  sustainability: 'Plant sales pay for seeds',
  consentToPublish: true,
};

// ---- events -----------------------------------------------------------------------------------
/** The monitored grant's draft: opened with no contact on it. */
export const openedWithoutContact = (d: Partial<ApplicationDetails> = {}): ApplicationEvent => opened(d, ORG, null);
export const scheduled = (items: DueItem[] = SCHEDULE): ApplicationEvent => ({
  type: 'MonitoringScheduled',
  data: { applicationId: APP, items, policy: MONITORING },
});
export const checkInFiled = (filedAt = ON_TIME): ApplicationEvent => ({
  type: 'FirstCheckInFiled',
  data: { applicationId: APP, itemKey: 'check-in', summary: 'Started', supportNeeded: '', filedAt },
});
export const returnFiled = (itemKey: string, onTrack = true, filedAt = RETURN_1_DUE): ApplicationEvent => ({
  type: 'MonitoringReturnFiled',
  data: {
    applicationId: APP,
    itemKey,
    period: itemKey,
    spentPence: 10_000,
    beneficiaries: 5,
    progress: 'Going well',
    onTrack,
    issues: null,
    filedAt,
  },
});
export const caseStudyFiled = (): ApplicationEvent => ({
  type: 'CaseStudyFiled',
  data: { applicationId: APP, itemKey: 'case-study', caseStudy: { ...CASE_STUDY, title: 'Growing together' }, filedAt: '2025-09-01T12:00:00.000Z' },
});
export const rated = (rating: RagRating, previous: RagRating, by: 'system' | 'staff', ratedAt: string, reason = 'A reason'): ApplicationEvent => ({
  type: 'GrantRagRated',
  data: { applicationId: APP, rating, previous, reason, by, ratedAt },
});

// ---- commands ---------------------------------------------------------------------------------
/** AwardGrant for the monitored grant: at AWARDED_AT, in `monitoringRound()`, under MONITORING. */
export const awardInMonitoringRound = (o: Partial<Cmd<'AwardGrant'>> = {}): Cmd<'AwardGrant'> => award({ now: AWARDED_AT, round: monitoringRound(), ...o });
export const fileCheckIn = (o: Partial<Cmd<'FileCheckIn'>> = {}): Cmd<'FileCheckIn'> => ({
  type: 'FileCheckIn',
  applicationId: APP,
  org: ORG,
  now: ON_TIME,
  summary: '  We have started planting  ',
  supportNeeded: '  Help with a risk assessment  ',
  ragPolicy: RAG,
  ...o,
});
export const fileReturn = (o: Partial<Cmd<'FileMonitoringReturn'>> = {}): Cmd<'FileMonitoringReturn'> => ({
  type: 'FileMonitoringReturn',
  applicationId: APP,
  org: ORG,
  now: RETURN_1_DUE,
  period: '  Q1  ',
  spentPence: 50_000,
  beneficiaries: 12,
  progress: '  Beds built  ',
  onTrack: true,
  ragPolicy: RAG,
  ...o,
});
export const fileCaseStudy = (o: Partial<Cmd<'FileCaseStudy'>> = {}): Cmd<'FileCaseStudy'> => ({
  type: 'FileCaseStudy',
  applicationId: APP,
  org: ORG,
  now: '2025-09-01T12:00:00.000Z',
  caseStudy: CASE_STUDY,
  ...o,
});
export const rateGrant = (o: Partial<Cmd<'RateGrant'>> = {}): Cmd<'RateGrant'> => ({
  type: 'RateGrant',
  applicationId: APP,
  now: ON_TIME,
  rating: 'red',
  reason: '  Safeguarding concern  ',
  ...o,
});
export const evaluateRag = (now: string, o: Partial<Cmd<'EvaluateRag'>> = {}): Cmd<'EvaluateRag'> => ({
  type: 'EvaluateRag',
  applicationId: APP,
  now,
  ragPolicy: RAG,
  ...o,
});

// ---- given / when / then ----------------------------------------------------------------------
/** The state of a grant being monitored (or closed), checked to be one. */
export function funded(state: ApplicationState): Awarded | Closed {
  expect(['awarded', 'closed']).toContain(state.status);
  return state as Awarded | Closed;
}

export const anAward = () => [openedWithoutContact(), submitted(), awarded(), scheduled()];
export const aClosedGrant = () => [...anAward(), checkInFiled(), caseStudyFiled()];
