import { Conflict, NotFound } from '@pz/platform/domain';
import { givenDecider } from '@pz/platform/domain/testing';
import { DEFAULT_CRITERIA } from '@pz/rounds/domain';
import {
  ApplicationCommand,
  applicationDecider,
  ApplicationDetails,
  ApplicationEvent,
  BRANDING_CONDITION,
  CaseStudy,
  RoundFacts,
  type ApplicationState,
  type Awarded,
  type Closed,
} from '.';
import { DueItem, RagPolicy, RagRating } from '.';

// ---------------------------------------------------------------------------------------------
// Fixed clock. The round closed 29 June 2024; the grant was awarded 15 July 2024 10:30 (UTC) for a
// project ending 31 August 2025, under the default policy (check-in P1M, returns P3M).
// ---------------------------------------------------------------------------------------------
const OPENS_AT = '2024-06-01T09:00:00.000Z';
const CLOSES_AT = '2024-06-29T17:00:00.000Z';
const WHILE_OPEN = '2024-06-10T12:00:00.000Z';
const AWARDED_AT = '2024-07-15T10:30:00.000Z';

const APP = 'app-1';
const ORG = 'org-bell-foundry-gardeners';
const OTHER_ORG = 'org-someone-else';

const RAG: RagPolicy = { amberAfter: 'P7D', redAfter: 'P28D' };
const MONITORING = { firstCheckinAfter: 'P1M', monitoringInterval: 'P3M' };

const CHECK_IN_DUE = '2024-08-15T10:30:00.000Z';
const RETURN_1_DUE = '2024-10-15T10:30:00.000Z';
const SCHEDULE: DueItem[] = [
  { key: 'check-in', kind: 'check-in', dueAt: CHECK_IN_DUE },
  { key: 'return-1', kind: 'return', dueAt: RETURN_1_DUE },
  { key: 'return-2', kind: 'return', dueAt: '2025-01-15T10:30:00.000Z' },
  { key: 'return-3', kind: 'return', dueAt: '2025-04-15T10:30:00.000Z' },
  { key: 'return-4', kind: 'return', dueAt: '2025-07-15T10:30:00.000Z' },
  { key: 'case-study', kind: 'case-study', dueAt: '2025-08-31T23:59:59.999Z' },
];

const DAY = 86_400_000;
/** A fixed instant shifted by a number of milliseconds (plain arithmetic, never the clock). */
const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** On time: the day after the check-in was due, nothing late. */
const ON_TIME = '2024-08-16T09:00:00.000Z';
/** The check-in 8 days overdue: Amber. */
const CHECK_IN_AMBER = shift(CHECK_IN_DUE, 8 * DAY);
/** The check-in 29 days overdue: Red. */
const CHECK_IN_RED = shift(CHECK_IN_DUE, 29 * DAY);

function round(overrides: Partial<RoundFacts> = {}): RoundFacts {
  return {
    roundId: 'round-1',
    kind: 'standard',
    zones: ['bell-foundry'],
    themes: ['Pride of Place'],
    opensAt: OPENS_AT,
    closesAt: CLOSES_AT,
    cancelledAt: null,
    budgetPence: 4_000_000,
    maxAwardPence: 1_000_000,
    criteria: DEFAULT_CRITERIA.map((k) => ({ ...k })),
    panel: ['panel-1'],
    ...overrides,
  };
}

function details(overrides: Partial<ApplicationDetails> = {}): ApplicationDetails {
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

const CASE_STUDY: CaseStudy = {
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
const opened = (d: Partial<ApplicationDetails> = {}): ApplicationEvent => ({
  type: 'ApplicationDraftOpened',
  data: { applicationId: APP, roundId: 'round-1', org: ORG, openedBy: 'user-1', details: details(d), contact: null },
});
const edited = (changes: Partial<ApplicationDetails>): ApplicationEvent => ({
  type: 'ApplicationDraftEdited',
  data: { applicationId: APP, changes },
});
const submitted = (): ApplicationEvent => ({
  type: 'ApplicationSubmitted',
  data: { applicationId: APP, roundId: 'round-1', submittedAt: WHILE_OPEN },
});
const withdrawn = (): ApplicationEvent => ({
  type: 'ApplicationWithdrawn',
  data: { applicationId: APP, reason: null, withdrawnAt: WHILE_OPEN },
});
const declined = (): ApplicationEvent => ({
  type: 'ApplicationDeclined',
  data: { applicationId: APP, roundId: 'round-1', feedback: 'Not this time', declinedAt: AWARDED_AT },
});
const awarded = (): ApplicationEvent => ({
  type: 'ApplicationAwarded',
  data: {
    applicationId: APP,
    roundId: 'round-1',
    amountPence: 400_000,
    tranches: [{ amountPence: 400_000, dueOn: '2024-07-15' }],
    conditions: [BRANDING_CONDITION],
    note: null,
    awardedAt: AWARDED_AT,
  },
});
const scheduled = (items: DueItem[] = SCHEDULE): ApplicationEvent => ({
  type: 'MonitoringScheduled',
  data: { applicationId: APP, items, policy: MONITORING },
});
const checkInFiled = (filedAt = ON_TIME): ApplicationEvent => ({
  type: 'FirstCheckInFiled',
  data: { applicationId: APP, itemKey: 'check-in', summary: 'Started', supportNeeded: '', filedAt },
});
const returnFiled = (itemKey: string, onTrack = true, filedAt = RETURN_1_DUE): ApplicationEvent => ({
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
const caseStudyFiled = (): ApplicationEvent => ({
  type: 'CaseStudyFiled',
  data: { applicationId: APP, itemKey: 'case-study', caseStudy: { ...CASE_STUDY, title: 'Growing together' }, filedAt: '2025-09-01T12:00:00.000Z' },
});
const rated = (rating: RagRating, previous: RagRating, by: 'system' | 'staff', ratedAt: string, reason = 'A reason'): ApplicationEvent => ({
  type: 'GrantRagRated',
  data: { applicationId: APP, rating, previous, reason, by, ratedAt },
});

// ---- commands ---------------------------------------------------------------------------------
type Cmd<T extends ApplicationCommand['type']> = Extract<ApplicationCommand, { type: T }>;

const awardCmd = (o: Partial<Cmd<'AwardGrant'>> = {}): Cmd<'AwardGrant'> => ({
  type: 'AwardGrant',
  applicationId: APP,
  now: AWARDED_AT,
  round: round(),
  amountPence: 400_000,
  monitoringPolicy: MONITORING,
  ...o,
});
const fileCheckIn = (o: Partial<Cmd<'FileCheckIn'>> = {}): Cmd<'FileCheckIn'> => ({
  type: 'FileCheckIn',
  applicationId: APP,
  org: ORG,
  now: ON_TIME,
  summary: '  We have started planting  ',
  supportNeeded: '  Help with a risk assessment  ',
  ragPolicy: RAG,
  ...o,
});
const fileReturn = (o: Partial<Cmd<'FileMonitoringReturn'>> = {}): Cmd<'FileMonitoringReturn'> => ({
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
const fileCaseStudy = (o: Partial<Cmd<'FileCaseStudy'>> = {}): Cmd<'FileCaseStudy'> => ({
  type: 'FileCaseStudy',
  applicationId: APP,
  org: ORG,
  now: '2025-09-01T12:00:00.000Z',
  caseStudy: CASE_STUDY,
  ...o,
});
const rateGrant = (o: Partial<Cmd<'RateGrant'>> = {}): Cmd<'RateGrant'> => ({
  type: 'RateGrant',
  applicationId: APP,
  now: ON_TIME,
  rating: 'red',
  reason: '  Safeguarding concern  ',
  ...o,
});
const evaluateRag = (now: string, o: Partial<Cmd<'EvaluateRag'>> = {}): Cmd<'EvaluateRag'> => ({
  type: 'EvaluateRag',
  applicationId: APP,
  now,
  ragPolicy: RAG,
  ...o,
});

// ---- given / when / then ----------------------------------------------------------------------
const given = givenDecider(applicationDecider);
/** The state of a grant being monitored (or closed), checked to be one. */
function funded(state: ApplicationState): Awarded | Closed {
  expect(['awarded', 'closed']).toContain(state.status);
  return state as Awarded | Closed;
}

const anAward = () => [opened(), submitted(), awarded(), scheduled()];
const aClosedGrant = () => [...anAward(), checkInFiled(), caseStudyFiled()];

// ---------------------------------------------------------------------------------------------

describe('application decider: MonitoringScheduled at award', () => {
  it('awarding records the schedule (check-in, quarterly returns, case study) and the policy it was built with', () => {
    const events = applicationDecider.decide(awardCmd(), given(opened(), submitted()).state);
    expect(events.map((e) => e.type)).toEqual(['ApplicationAwarded', 'MonitoringScheduled']);
    expect(events[1]).toEqual({ type: 'MonitoringScheduled', data: { applicationId: APP, items: SCHEDULE, policy: MONITORING } });
  });

  it("builds the schedule from the project end as it stood at submission (after the draft's edits)", () => {
    const events = applicationDecider.decide(awardCmd(), given(opened(), edited({ projectEnd: '2024-12-31' }), submitted()).state);
    expect(events[1].data).toMatchObject({
      items: [
        { key: 'check-in', kind: 'check-in', dueAt: CHECK_IN_DUE },
        { key: 'return-1', kind: 'return', dueAt: RETURN_1_DUE },
        { key: 'case-study', kind: 'case-study', dueAt: '2024-12-31T23:59:59.999Z' },
      ],
    });
  });

  it('uses the monitoring policy handed in with the command (shrunk durations), and records it', () => {
    const policy = { firstCheckinAfter: 'PT1S', monitoringInterval: 'PT2S' };
    const [, event] = applicationDecider.decide(awardCmd({ monitoringPolicy: policy }), given(opened(), submitted()).state);
    expect(event).toMatchObject({ type: 'MonitoringScheduled', data: { policy } });
    const items = (event.data as { items: DueItem[] }).items;
    expect(items[0]).toEqual({ key: 'check-in', kind: 'check-in', dueAt: '2024-07-15T10:30:01.000Z' });
    expect(items.filter((i) => i.kind === 'return')).toHaveLength(20);
  });

  it('an award starts Green, with the schedule in state and nothing filed', () => {
    expect(given(...anAward()).state).toMatchObject({
      status: 'awarded',
      rag: 'green',
      lastAutomaticRag: 'green',
      schedule: SCHEDULE,
      filed: [],
      latestReturnOnTrack: null,
    });
  });
});

const applicantCommands = [
  ['FileCheckIn', fileCheckIn()],
  ['FileMonitoringReturn', fileReturn()],
  ['FileCaseStudy', fileCaseStudy()],
] as const;
const monitoringCommands = [...applicantCommands, ['RateGrant', rateGrant()]] as const;

describe('application decider: who and what is monitored', () => {
  it.each(applicantCommands)("%s on another organisation's grant is not found (its existence is not leaked)", (_name, command) => {
    given(...anAward()).when({ ...command, org: OTHER_ORG }).thenThrows(NotFound, `Application ${APP} not found`);
  });

  it.each(applicantCommands)("%s on another organisation's closed grant is also not found, not a conflict", (_name, command) => {
    given(...aClosedGrant()).when({ ...command, org: OTHER_ORG }).thenThrows(NotFound, `Application ${APP} not found`);
  });

  it.each([...monitoringCommands, ['EvaluateRag', evaluateRag(ON_TIME)]] as const)('%s on an unknown application is not found', (_name, command) => {
    given().when(command).thenThrows(NotFound, `Application ${APP} not found`);
  });

  describe.each([
    ['draft', () => [opened()]],
    ['submitted', () => [opened(), submitted()]],
    ['withdrawn', () => [opened(), submitted(), withdrawn()]],
    ['declined', () => [opened(), submitted(), declined()]],
  ] as const)('a %s application', (status, events) => {
    it.each(monitoringCommands)('refuses %s: only awarded grants are monitored', (_name, command) => {
      given(...events()).when(command).thenThrows(Conflict, `Monitoring applies to awarded grants; this application is ${status}`);
    });
  });

  it.each(monitoringCommands)('refuses %s once the case study has closed the grant', (_name, command) => {
    given(...aClosedGrant()).when(command).thenThrows(Conflict, 'This grant is closed: its case study has been filed');
  });
});

describe('application decider: FileCheckIn', () => {
  it('files the first-month check-in against its item, trimmed; on time, the rating does not move', () => {
    given(...anAward())
      .when(fileCheckIn())
      .then([
        {
          type: 'FirstCheckInFiled',
          data: {
            applicationId: APP,
            itemKey: 'check-in',
            summary: 'We have started planting',
            supportNeeded: 'Help with a risk assessment',
            filedAt: ON_TIME,
          },
        },
      ]);
  });

  it('can be filed early, before it is due', () => {
    const [event] = applicationDecider.decide(fileCheckIn({ now: AWARDED_AT }), given(...anAward()).state);
    expect(event).toMatchObject({ type: 'FirstCheckInFiled', data: { itemKey: 'check-in', filedAt: AWARDED_AT } });
  });

  it('is filed only once', () => {
    given(...anAward(), checkInFiled()).when(fileCheckIn()).thenThrows(Conflict, 'The first-month check-in has already been filed');
  });

  it('needs a summary; support needed may be blank', () => {
    given(...anAward()).when(fileCheckIn({ summary: '   ' })).thenInvalid('summary must not be empty');
    const [event] = applicationDecider.decide(fileCheckIn({ supportNeeded: '  ' }), given(...anAward()).state);
    expect(event.data).toMatchObject({ supportNeeded: '' });
  });

  it('filed late after the policy turned Amber: back to Green, "Monitoring is up to date", previous Amber', () => {
    given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER))
      .when(fileCheckIn({ now: shift(CHECK_IN_AMBER, DAY) }))
      .then([
        expect.objectContaining({ type: 'FirstCheckInFiled' }),
        {
          type: 'GrantRagRated',
          data: {
            applicationId: APP,
            rating: 'green',
            previous: 'amber',
            reason: 'Monitoring is up to date',
            by: 'system',
            ratedAt: shift(CHECK_IN_AMBER, DAY),
          },
        },
      ]);
  });

  it('filed late, but never rated Amber: the verdict stays Green, so no rating event', () => {
    const events = applicationDecider.decide(fileCheckIn({ now: CHECK_IN_RED }), given(...anAward()).state);
    expect(events.map((e) => e.type)).toEqual(['FirstCheckInFiled']);
  });

  it('filed very late while a return is itself overdue: Red moves to Amber, naming the return', () => {
    const now = shift(RETURN_1_DUE, 10 * DAY);
    given(...anAward(), rated('red', 'amber', 'system', CHECK_IN_RED))
      .when(fileCheckIn({ now }))
      .then([
        expect.objectContaining({ type: 'FirstCheckInFiled' }),
        {
          type: 'GrantRagRated',
          data: {
            applicationId: APP,
            rating: 'amber',
            previous: 'red',
            reason: 'The quarterly monitoring return due 2024-10-15 is more than 7 days overdue',
            by: 'system',
            ratedAt: now,
          },
        },
      ]);
  });

  it('evolves: the check-in counts as filed', () => {
    expect(funded(given(...anAward(), checkInFiled()).state).filed).toEqual(['check-in']);
  });
});

describe('application decider: FileMonitoringReturn', () => {
  it('fills the first return, trimmed, with no issues as null; on track and on time, the rating does not move', () => {
    given(...anAward(), checkInFiled())
      .when(fileReturn({ issues: '   ' }))
      .then([
        {
          type: 'MonitoringReturnFiled',
          data: {
            applicationId: APP,
            itemKey: 'return-1',
            period: 'Q1',
            spentPence: 50_000,
            beneficiaries: 12,
            progress: 'Beds built',
            onTrack: true,
            issues: null,
            filedAt: RETURN_1_DUE,
          },
        },
      ]);
  });

  it('keeps the issues a grantee raises, trimmed', () => {
    const [event] = applicationDecider.decide(fileReturn({ issues: '  Need a new venue ' }), given(...anAward(), checkInFiled()).state);
    expect(event.data).toMatchObject({ issues: 'Need a new venue' });
  });

  it('fills the earliest outstanding return item, whether or not the check-in was filed', () => {
    const [event] = applicationDecider.decide(fileReturn(), given(...anAward(), returnFiled('return-1')).state);
    expect(event.data).toMatchObject({ itemKey: 'return-2' });
  });

  it('fills return-3 after returns 1 and 2', () => {
    const [event] = applicationDecider.decide(
      fileReturn({ now: '2025-04-15T10:30:00.000Z' }),
      given(...anAward(), checkInFiled(), returnFiled('return-1'), returnFiled('return-2')).state,
    );
    expect(event.data).toMatchObject({ itemKey: 'return-3' });
  });

  it('runs out with a Conflict once every scheduled return is filed', () => {
    given(...anAward(), checkInFiled(), returnFiled('return-1'), returnFiled('return-2'), returnFiled('return-3'), returnFiled('return-4'))
      .when(fileReturn({ now: '2025-07-20T10:00:00.000Z' }))
      .thenThrows(Conflict, 'Every scheduled monitoring return has been filed; the case study is what remains');
  });

  it('a project ending before the first return has no return to fill', () => {
    const noReturns: DueItem[] = [
      { key: 'check-in', kind: 'check-in', dueAt: CHECK_IN_DUE },
      { key: 'case-study', kind: 'case-study', dueAt: CHECK_IN_DUE },
    ];
    given(opened(), submitted(), awarded(), scheduled(noReturns))
      .when(fileReturn({ now: ON_TIME }))
      .thenThrows(Conflict, 'Every scheduled monitoring return has been filed');
  });

  it('reports every bad field at once', () => {
    given(...anAward())
      .when(fileReturn({ period: ' ', progress: '', spentPence: -1, beneficiaries: 1.5 }))
      .thenInvalid(
        'period must not be empty',
        'progress must not be empty',
        'spentPence must be a whole number of pence, 0 or more',
        'beneficiaries must be a whole number, 0 or more',
      );
  });

  it('accepts nothing spent and nobody reached yet', () => {
    const [event] = applicationDecider.decide(fileReturn({ spentPence: 0, beneficiaries: 0 }), given(...anAward(), checkInFiled()).state);
    expect(event.data).toMatchObject({ spentPence: 0, beneficiaries: 0 });
  });

  it('a return saying it is not on track turns the grant Amber, with the reason and the previous rating', () => {
    given(...anAward(), checkInFiled())
      .when(fileReturn({ onTrack: false, issues: 'Venue fell through' }))
      .then([
        expect.objectContaining({ type: 'MonitoringReturnFiled', data: expect.objectContaining({ itemKey: 'return-1', onTrack: false }) }),
        {
          type: 'GrantRagRated',
          data: {
            applicationId: APP,
            rating: 'amber',
            previous: 'green',
            reason: 'The latest monitoring return says the project is not on track: an offer of support is due',
            by: 'system',
            ratedAt: RETURN_1_DUE,
          },
        },
      ]);
  });

  it('the next return on track brings it back to Green', () => {
    const now = '2025-01-15T10:30:00.000Z';
    given(...anAward(), checkInFiled(), returnFiled('return-1', false), rated('amber', 'green', 'system', RETURN_1_DUE))
      .when(fileReturn({ now, onTrack: true }))
      .then([
        expect.objectContaining({ type: 'MonitoringReturnFiled', data: expect.objectContaining({ itemKey: 'return-2' }) }),
        {
          type: 'GrantRagRated',
          data: { applicationId: APP, rating: 'green', previous: 'amber', reason: 'Monitoring is up to date', by: 'system', ratedAt: now },
        },
      ]);
  });

  it('evolves: the return counts as filed and its onTrack is the latest', () => {
    const { state } = given(...anAward(), returnFiled('return-1', false), returnFiled('return-2', true));
    expect(state).toMatchObject({ filed: ['return-1', 'return-2'], latestReturnOnTrack: true });
    expect(funded(given(...anAward(), returnFiled('return-1', true), returnFiled('return-2', false)).state).latestReturnOnTrack).toBe(false);
  });
});

describe('application decider: FileCaseStudy', () => {
  it('files the case study against its item, trimmed quote; no rating event', () => {
    given(...anAward(), checkInFiled())
      .when(fileCaseStudy())
      .then([
        {
          type: 'CaseStudyFiled',
          data: {
            applicationId: APP,
            itemKey: 'case-study',
            caseStudy: { ...CASE_STUDY, quote: 'It brought the street together' },
            filedAt: '2025-09-01T12:00:00.000Z',
          },
        },
      ]);
  });

  it('a blank quote is null', () => {
    const [event] = applicationDecider.decide(fileCaseStudy({ caseStudy: { ...CASE_STUDY, quote: '  ' } }), given(...anAward()).state);
    expect(event.data).toMatchObject({ caseStudy: { quote: null } });
  });

  it('reports every missing part of the template at once', () => {
    given(...anAward())
      .when(
        fileCaseStudy({
          caseStudy: { ...CASE_STUDY, title: ' ', summary: '', outcomes: ' ', lessons: '', sustainability: '  ', beneficiaries: -1 },
        }),
      )
      .thenInvalid(
        'title must not be empty',
        'summary must not be empty',
        'outcomes must not be empty',
        'lessons must not be empty',
        'sustainability must not be empty',
        'beneficiaries must be a whole number, 0 or more',
      );
  });

  it('closes the grant', () => {
    expect(given(...aClosedGrant()).state).toMatchObject({ status: 'closed', filed: ['check-in', 'case-study'] });
  });
});

describe('application decider: RateGrant (staff, by hand)', () => {
  it('records the rating by staff with its trimmed reason and the rating it replaces', () => {
    given(...anAward())
      .when(rateGrant())
      .then([
        {
          type: 'GrantRagRated',
          data: { applicationId: APP, rating: 'red', previous: 'green', reason: 'Safeguarding concern', by: 'staff', ratedAt: ON_TIME },
        },
      ]);
  });

  it('previous is the rating in force, whoever set it', () => {
    const [event] = applicationDecider.decide(
      rateGrant({ rating: 'green', now: CHECK_IN_RED }),
      given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER)).state,
    );
    expect(event.data).toMatchObject({ rating: 'green', previous: 'amber', by: 'staff' });
  });

  it('requires a reason', () => {
    given(...anAward()).when(rateGrant({ reason: '   ' })).thenInvalid('reason must not be empty: every rating says why');
  });

  it("evolves: staff's rating is in force but is not the policy's verdict", () => {
    expect(given(...anAward(), rated('red', 'green', 'staff', ON_TIME)).state).toMatchObject({ rag: 'red', lastAutomaticRag: 'green' });
    expect(given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER)).state).toMatchObject({ rag: 'amber', lastAutomaticRag: 'amber' });
  });
});

describe('application decider: EvaluateRag (the policy, automatically)', () => {
  it('on time: no events', () => {
    given(...anAward()).when(evaluateRag(ON_TIME)).then([]);
  });

  it('the check-in exactly amberAfter overdue: not yet over it, no events', () => {
    given(...anAward()).when(evaluateRag(shift(CHECK_IN_DUE, 7 * DAY))).then([]);
  });

  it('the check-in one millisecond past amberAfter: Amber by the system, naming the item', () => {
    const now = shift(CHECK_IN_DUE, 7 * DAY + 1);
    given(...anAward())
      .when(evaluateRag(now))
      .then([
        {
          type: 'GrantRagRated',
          data: {
            applicationId: APP,
            rating: 'amber',
            previous: 'green',
            reason: 'The first-month check-in due 2024-08-15 is more than 7 days overdue',
            by: 'system',
            ratedAt: now,
          },
        },
      ]);
  });

  it('a verdict that has not changed is not recorded again', () => {
    given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER)).when(evaluateRag(shift(CHECK_IN_AMBER, DAY))).then([]);
  });

  it('exactly redAfter overdue is still Amber; one millisecond past it is Red, previous Amber', () => {
    const amber = [...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER)];
    given(...amber).when(evaluateRag(shift(CHECK_IN_DUE, 28 * DAY))).then([]);
    const now = shift(CHECK_IN_DUE, 28 * DAY + 1);
    given(...amber)
      .when(evaluateRag(now))
      .then([
        {
          type: 'GrantRagRated',
          data: {
            applicationId: APP,
            rating: 'red',
            previous: 'amber',
            reason: 'The first-month check-in due 2024-08-15 is more than 28 days overdue',
            by: 'system',
            ratedAt: now,
          },
        },
      ]);
  });

  it('two items each past amberAfter (neither past redAfter) is Red', () => {
    const tight: DueItem[] = [
      { key: 'check-in', kind: 'check-in', dueAt: '2024-08-15T10:30:00.000Z' },
      { key: 'return-1', kind: 'return', dueAt: '2024-08-20T10:30:00.000Z' },
      { key: 'case-study', kind: 'case-study', dueAt: '2025-08-31T23:59:59.999Z' },
    ];
    const [event] = applicationDecider.decide(
      evaluateRag('2024-08-28T10:30:00.000Z'),
      given(opened(), submitted(), awarded(), scheduled(tight), rated('amber', 'green', 'system', '2024-08-23T10:30:00.000Z')).state,
    );
    expect(event.data).toMatchObject({
      rating: 'red',
      previous: 'amber',
      by: 'system',
      reason: '2 monitoring items are overdue: first-month check-in due 2024-08-15, quarterly monitoring return due 2024-08-20',
    });
  });

  it('uses the RAG policy handed in with the command (shrunk durations)', () => {
    const [event] = applicationDecider.decide(
      evaluateRag(shift(CHECK_IN_DUE, 3_600_001), { ragPolicy: { amberAfter: 'PT1H', redAfter: 'PT2H' } }),
      given(...anAward()).state,
    );
    expect(event.data).toMatchObject({ rating: 'amber', reason: 'The first-month check-in due 2024-08-15 is more than 1 hour overdue' });
  });

  it("a staff rating stands while the policy's verdict is unchanged", () => {
    given(...anAward(), rated('red', 'green', 'staff', ON_TIME)).when(evaluateRag(shift(CHECK_IN_DUE, 7 * DAY))).then([]);
    given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER), rated('green', 'amber', 'staff', shift(CHECK_IN_AMBER, 1)))
      .when(evaluateRag(shift(CHECK_IN_DUE, 20 * DAY)))
      .then([]);
  });

  it("a staff rating gives way when the policy's verdict changes; previous carries the staff rating", () => {
    const [event] = applicationDecider.decide(
      evaluateRag(CHECK_IN_AMBER),
      given(...anAward(), rated('red', 'green', 'staff', ON_TIME, 'Safeguarding concern')).state,
    );
    expect(event).toEqual({
      type: 'GrantRagRated',
      data: {
        applicationId: APP,
        rating: 'amber',
        previous: 'red',
        reason: 'The first-month check-in due 2024-08-15 is more than 7 days overdue',
        by: 'system',
        ratedAt: CHECK_IN_AMBER,
      },
    });
  });

  it('a staff Green over a system Amber gives way to Red when the verdict worsens', () => {
    const [event] = applicationDecider.decide(
      evaluateRag(CHECK_IN_RED),
      given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER), rated('green', 'amber', 'staff', shift(CHECK_IN_AMBER, 1))).state,
    );
    expect(event.data).toMatchObject({ rating: 'red', previous: 'green', by: 'system' });
  });

  it('filing the late item that a staff rating sat on: the verdict changes back to Green, previous is the staff rating', () => {
    const now = shift(CHECK_IN_AMBER, DAY);
    const events = applicationDecider.decide(
      fileCheckIn({ now }),
      given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER), rated('red', 'amber', 'staff', CHECK_IN_AMBER)).state,
    );
    expect(events[1]).toEqual({
      type: 'GrantRagRated',
      data: { applicationId: APP, rating: 'green', previous: 'red', reason: 'Monitoring is up to date', by: 'system', ratedAt: now },
    });
  });

  it('filed items never count: everything due filed, long after, stays Green', () => {
    given(...anAward(), checkInFiled(), returnFiled('return-1')).when(evaluateRag(shift(RETURN_1_DUE, 60 * DAY))).then([]);
  });

  it.each([
    ['draft', () => [opened()]],
    ['submitted', () => [opened(), submitted()]],
    ['withdrawn', () => [opened(), submitted(), withdrawn()]],
    ['declined', () => [opened(), submitted(), declined()]],
    ['closed', () => aClosedGrant()],
  ] as const)('a %s application yields no events, however late', (_status, events) => {
    given(...events()).when(evaluateRag('2026-12-31T00:00:00.000Z')).then([]);
  });
});
