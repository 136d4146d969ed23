import { monitoringSchedule } from '.';
import { Conflict, Forbidden, InvalidCommand, NotFound } from '@pz/platform/domain';
import { givenDecider } from '@pz/platform/domain/testing';
import { DEFAULT_CRITERIA } from '@pz/rounds/domain';
import {
  ApplicationCommand,
  applicationDecider,
  ApplicationDetails,
  ApplicationEvent,
  BRANDING_CONDITION,
  RoundFacts,
  SealedContact,
  STEERING_GROUP_CONDITION,
  weightedTotal,
  type ApplicationState,
} from '.';

// ---------------------------------------------------------------------------------------------
// Fixed clock: the round opens 1 June 2024 09:00 and closes 29 June 2024 17:00 (UTC).
// ---------------------------------------------------------------------------------------------
const OPENS_AT = '2024-06-01T09:00:00.000Z';
const CLOSES_AT = '2024-06-29T17:00:00.000Z';
const BEFORE_OPEN = '2024-05-10T12:00:00.000Z';
const JUST_BEFORE_OPEN = '2024-06-01T08:59:59.999Z';
const WHILE_OPEN = '2024-06-10T12:00:00.000Z';
const JUST_BEFORE_CLOSE = '2024-06-29T16:59:59.999Z';
const AFTER_CLOSE = '2024-07-15T10:30:00.000Z';

const APP = 'app-1';
const ORG = 'org-bell-foundry-gardeners';
const OTHER_ORG = 'org-someone-else';

const CONTACT: SealedContact = { $pii: 1, person: 'person-1', iv: 'aXY=', ct: 'Y3Q=', tag: 'dGFn' };
const NEW_CONTACT: SealedContact = { $pii: 1, person: 'person-2', iv: 'aXYy', ct: 'Y3Qy', tag: 'dGFnMg==' };

function round(overrides: Partial<RoundFacts> = {}): RoundFacts {
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

// ---- events -----------------------------------------------------------------------------------
const opened = (d: Partial<ApplicationDetails> = {}, org = ORG): ApplicationEvent => ({
  type: 'ApplicationDraftOpened',
  data: { applicationId: APP, roundId: 'round-1', org, openedBy: 'user-1', details: details(d), contact: CONTACT },
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
const conflictDeclared = (member: string): ApplicationEvent => ({
  type: 'ConflictOfInterestDeclared',
  data: { applicationId: APP, member, reason: 'I am a trustee' },
});
const scored = (member: string, scores: Record<string, number>, total: number): ApplicationEvent => ({
  type: 'ApplicationScored',
  data: { applicationId: APP, member, scores, comment: '', weightedTotal: total },
});
const awarded = (amountPence = 400_000): ApplicationEvent => ({
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
const declined = (): ApplicationEvent => ({
  type: 'ApplicationDeclined',
  data: { applicationId: APP, roundId: 'round-1', feedback: 'Not this time', declinedAt: AFTER_CLOSE },
});

// ---- commands ---------------------------------------------------------------------------------
type Cmd<T extends ApplicationCommand['type']> = Extract<ApplicationCommand, { type: T }>;

const openDraft = (o: Partial<Cmd<'OpenDraft'>> = {}): Cmd<'OpenDraft'> => ({
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
const editDraft = (changes: Partial<ApplicationDetails>, o: Partial<Cmd<'EditDraft'>> = {}): Cmd<'EditDraft'> => ({
  type: 'EditDraft',
  applicationId: APP,
  org: ORG,
  now: WHILE_OPEN,
  round: round(),
  changes,
  ...o,
});
const submit = (o: Partial<Cmd<'SubmitApplication'>> = {}): Cmd<'SubmitApplication'> => ({
  type: 'SubmitApplication',
  applicationId: APP,
  org: ORG,
  now: WHILE_OPEN,
  round: round(),
  ...o,
});
const withdraw = (o: Partial<Cmd<'WithdrawApplication'>> = {}): Cmd<'WithdrawApplication'> => ({
  type: 'WithdrawApplication',
  applicationId: APP,
  org: ORG,
  now: WHILE_OPEN,
  ...o,
});
const declareConflict = (o: Partial<Cmd<'DeclareConflict'>> = {}): Cmd<'DeclareConflict'> => ({
  type: 'DeclareConflict',
  applicationId: APP,
  member: 'panel-1',
  now: AFTER_CLOSE,
  round: round(),
  reason: '  I am a trustee of the applicant  ',
  ...o,
});
const GOOD_SCORES = { need: 4, outcomes: 3, deliverability: 4, 'value-for-money': 3, sustainability: 5 };
// 4*2 + 3*2 + 4*2 + 3*1 + 5*3 = 40
const GOOD_TOTAL = 40;
const scoreCmd = (o: Partial<Cmd<'ScoreApplication'>> = {}): Cmd<'ScoreApplication'> => ({
  type: 'ScoreApplication',
  applicationId: APP,
  member: 'panel-1',
  now: AFTER_CLOSE,
  round: round(),
  scores: { ...GOOD_SCORES },
  comment: '  Credible plan.  ',
  ...o,
});
const award = (o: Partial<Cmd<'AwardGrant'>> = {}): Cmd<'AwardGrant'> => ({
  type: 'AwardGrant',
  applicationId: APP,
  now: AFTER_CLOSE,
  round: round(),
  amountPence: 400_000,
  monitoringPolicy: { firstCheckinAfter: 'P1M', monitoringInterval: 'P3M' },
  ...o,
});
const decline = (o: Partial<Cmd<'DeclineApplication'>> = {}): Cmd<'DeclineApplication'> => ({
  type: 'DeclineApplication',
  applicationId: APP,
  now: AFTER_CLOSE,
  round: round(),
  feedback: '  The budget was not clear enough.  ',
  ...o,
});

// ---- given / when / then ----------------------------------------------------------------------
const given = givenDecider(applicationDecider);
/** The state, checked to be at `status`, and typed as that stage. */
function inStatus<S extends ApplicationState['status']>(state: ApplicationState, status: S): Extract<ApplicationState, { status: S }> {
  assertStatus(state, status);
  return state;
}
function assertStatus<S extends ApplicationState['status']>(state: ApplicationState, status: S): asserts state is Extract<ApplicationState, { status: S }> {
  expect(state.status).toBe(status);
}

const aDraft = () => [opened()];
const aSubmitted = () => [opened(), submitted()];

// ---------------------------------------------------------------------------------------------

describe('application decider: OpenDraft', () => {
  it('given nothing, opens a draft in an open round carrying org, author, round, details and contact', () => {
    given()
      .when(openDraft())
      .then([
        {
          type: 'ApplicationDraftOpened',
          data: { applicationId: APP, roundId: 'round-1', org: ORG, openedBy: 'user-1', details: details(), contact: CONTACT },
        },
      ]);
  });

  it('opens a draft in a round that is still only scheduled', () => {
    const [event] = applicationDecider.decide(openDraft({ now: BEFORE_OPEN }), applicationDecider.initialState());
    expect(event.type).toBe('ApplicationDraftOpened');
  });

  it('lets a draft be incomplete: no sustainability answer is needed until submission', () => {
    const [event] = applicationDecider.decide(openDraft({ details: details({ sustainability: '' }) }), applicationDecider.initialState());
    expect(event).toMatchObject({ type: 'ApplicationDraftOpened', data: { details: { sustainability: '' } } });
  });

  it('refuses a draft in a closed round (closed exactly at closesAt)', () => {
    given().when(openDraft({ now: CLOSES_AT })).thenThrows(Conflict, /round is closed/);
  });

  it('refuses a draft in a cancelled round', () => {
    given()
      .when(openDraft({ now: BEFORE_OPEN, round: round({ cancelledAt: '2024-05-01T00:00:00.000Z' }) }))
      .thenThrows(Conflict, /round is cancelled/);
  });

  it('refuses a zone the round does not cover', () => {
    given()
      .when(openDraft({ details: details({ zone: 'thringstone-whitwick' }) }))
      .thenInvalid('zone: this round does not cover "thringstone-whitwick"');
  });

  it('refuses a theme the round does not fund', () => {
    given().when(openDraft({ details: details({ theme: 'Community Safety' }) })).thenInvalid('theme: this round does not fund "Community Safety"');
  });

  it('refuses a project that ends on the day it starts', () => {
    given()
      .when(openDraft({ details: details({ projectStart: '2024-09-01', projectEnd: '2024-09-01' }) }))
      .thenInvalid('projectEnd must be after projectStart');
  });

  it('refuses a project that ends before it starts, and accepts one ending the next day', () => {
    given()
      .when(openDraft({ details: details({ projectStart: '2024-09-01', projectEnd: '2024-08-31' }) }))
      .thenInvalid('projectEnd must be after projectStart');
    expect(
      applicationDecider.decide(openDraft({ details: details({ projectStart: '2024-09-01', projectEnd: '2024-09-02' }) }), applicationDecider.initialState()),
    ).toHaveLength(1);
  });

  it('reports every broken detail rule at once', () => {
    given()
      .when(openDraft({ details: details({ zone: 'atlantis', theme: 'Basket weaving', projectEnd: '2024-01-01' }) }))
      .thenInvalid('zone:', 'theme:', 'projectEnd');
  });

  it('refuses to open an application id that already exists', () => {
    given(...aDraft())
      .when(openDraft())
      .thenThrows(Conflict, /already exists/);
  });

  it('evolves to a draft owned by the organisation', () => {
    const { state } = given(opened());
    expect(state).toMatchObject({ applicationId: APP, roundId: 'round-1', org: ORG, status: 'draft', details: details() });
  });
});

describe('application decider: unknown applications and other organisations', () => {
  const commands: [string, ApplicationCommand][] = [
    ['EditDraft', editDraft({ title: 'x' })],
    ['SubmitApplication', submit()],
    ['WithdrawApplication', withdraw()],
    ['DeclareConflict', declareConflict()],
    ['ScoreApplication', scoreCmd()],
    ['AwardGrant', award()],
    ['DeclineApplication', decline()],
  ];
  it.each(commands)('%s on an application that does not exist is NotFound', (_name, command) => {
    given().when(command).thenThrows(NotFound, `Application ${APP} not found`);
  });

  const applicantCommands: [string, ApplicationCommand][] = [
    ['EditDraft', editDraft({ title: 'Mine now' }, { org: OTHER_ORG })],
    ['SubmitApplication', submit({ org: OTHER_ORG })],
    ['WithdrawApplication', withdraw({ org: OTHER_ORG })],
  ];
  it.each(applicantCommands)("%s on another organisation's draft is NotFound, never Forbidden", (_name, command) => {
    const error = given(...aDraft()).when(command).thenThrows(NotFound, `Application ${APP} not found`);
    expect(error).not.toBeInstanceOf(Forbidden);
    expect(error.message).not.toContain(ORG);
  });

  it("withdrawing another organisation's submitted application is NotFound too", () => {
    given(...aSubmitted())
      .when(withdraw({ org: OTHER_ORG }))
      .thenThrows(NotFound, 'not found');
  });

  it("another organisation is NotFound even where its own would be a no-op (a second withdrawal)", () => {
    given(opened(), withdrawn())
      .when(withdraw({ org: OTHER_ORG }))
      .thenThrows(NotFound, 'not found');
  });
});

describe('application decider: EditDraft', () => {
  it('refuses to edit a draft once its round has closed or been cancelled', () => {
    given(...aDraft()).when(editDraft({ title: 'Later' }, { now: AFTER_CLOSE })).thenThrows(Conflict, /round is closed/);
    given(...aDraft())
      .when(editDraft({ title: 'Later' }, { round: round({ cancelledAt: BEFORE_OPEN }) }))
      .thenThrows(Conflict, /round is cancelled/);
  });

  it('records only the fields that actually change', () => {
    given(...aDraft())
      .when(editDraft({ title: 'Bell Foundry Community Garden', requestedPence: 700_000, summary: 'A bigger garden.' }))
      .then([{ type: 'ApplicationDraftEdited', data: { applicationId: APP, changes: { requestedPence: 700_000, summary: 'A bigger garden.' } } }]);
  });

  it('yields no events when nothing changes (including deep-equal partners and answers)', () => {
    given(opened({ partners: [{ name: 'Trust', identifier: 'GB-CHC-1' }], answers: { q1: 'a' } }))
      .when(editDraft({ title: details().title, partners: [{ name: 'Trust', identifier: 'GB-CHC-1' }], answers: { q1: 'a' } }))
      .then([]);
  });

  it('yields no events for an empty edit', () => {
    given(...aDraft()).when(editDraft({})).then([]);
  });

  it('records a new contact even when no detail changes', () => {
    given(...aDraft())
      .when(editDraft({ title: details().title }, { contact: NEW_CONTACT }))
      .then([{ type: 'ApplicationDraftEdited', data: { applicationId: APP, changes: {}, contact: NEW_CONTACT } }]);
  });

  it.each([
    ['submitted', [opened(), submitted()], /Only a draft can be edited; this application is submitted/],
    ['withdrawn', [opened(), withdrawn()], /this application is withdrawn/],
    ['awarded', [opened(), submitted(), awarded()], /this application is awarded/],
  ] as const)('refuses to edit a %s application', (_status, events, message) => {
    given(...events).when(editDraft({ title: 'Too late' })).thenThrows(Conflict, message);
  });

  it('checks the edited draft as a whole: a zone the round does not cover is refused', () => {
    given(...aDraft())
      .when(editDraft({ zone: 'thringstone-whitwick' }))
      .thenInvalid('zone: this round does not cover "thringstone-whitwick"');
  });

  it('checks the edited draft as a whole: a theme the round does not fund is refused', () => {
    given(...aDraft()).when(editDraft({ theme: 'Community Safety' })).thenInvalid('theme:');
  });

  it('checks the edited draft as a whole: moving only projectEnd before the stored projectStart is refused', () => {
    given(...aDraft()).when(editDraft({ projectEnd: '2024-08-01' })).thenInvalid('projectEnd must be after projectStart');
  });

  it('evolves by merging the changes over the stored details', () => {
    const state = inStatus(given(opened(), edited({ title: 'New title', requestedPence: 123 })).state, 'draft');
    expect(state.details).toEqual(details({ title: 'New title', requestedPence: 123 }));
    expect(state.status).toBe('draft');
  });

  it('a change made earlier is compared against the latest details', () => {
    given(opened(), edited({ title: 'New title' }))
      .when(editDraft({ title: 'New title' }))
      .then([]);
  });
});

describe('application decider: SubmitApplication', () => {
  it('submits a complete draft while the round is open', () => {
    given(...aDraft())
      .when(submit())
      .then([{ type: 'ApplicationSubmitted', data: { applicationId: APP, roundId: 'round-1', submittedAt: WHILE_OPEN } }]);
  });

  it('is open exactly at opensAt', () => {
    given(...aDraft())
      .when(submit({ now: OPENS_AT }))
      .then([{ type: 'ApplicationSubmitted', data: { applicationId: APP, roundId: 'round-1', submittedAt: OPENS_AT } }]);
  });

  it('is still open one millisecond before closesAt', () => {
    expect(applicationDecider.decide(submit({ now: JUST_BEFORE_CLOSE }), given(...aDraft()).state)).toHaveLength(1);
  });

  it('refuses before the round opens', () => {
    given(...aDraft())
      .when(submit({ now: JUST_BEFORE_OPEN }))
      .thenThrows(Conflict, `The round opens at ${OPENS_AT}`);
  });

  it('refuses exactly at closesAt (the round is closed)', () => {
    given(...aDraft())
      .when(submit({ now: CLOSES_AT }))
      .thenThrows(Conflict, `The round is closed; it closed at ${CLOSES_AT}`);
  });

  it('refuses in a cancelled round', () => {
    given(...aDraft())
      .when(submit({ round: round({ cancelledAt: '2024-06-05T00:00:00.000Z' }) }))
      .thenThrows(Conflict, /round is cancelled/);
  });

  it.each(['', '   \n\t'])('requires a sustainability answer (%j is refused)', (sustainability) => {
    given(opened({ sustainability }))
      .when(submit())
      .thenInvalid('sustainability: every application must say how the project will last beyond the grant');
  });

  it('refuses a request above the round maximum award, and accepts exactly the maximum', () => {
    given(opened({ requestedPence: 1_000_001 }))
      .when(submit())
      .thenInvalid('requestedPence: this round awards at most 1000000 pence');
    expect(applicationDecider.decide(submit(), given(opened({ requestedPence: 1_000_000 })).state)).toHaveLength(1);
  });

  it("refuses a request above the round's whole budget when there is no maximum, and accepts exactly the budget", () => {
    const noMax = round({ maxAwardPence: null, budgetPence: 2_000_000 });
    given(opened({ requestedPence: 2_000_001 }))
      .when(submit({ round: noMax }))
      .thenInvalid("requestedPence: more than the round's whole budget");
    expect(applicationDecider.decide(submit({ round: noMax }), given(opened({ requestedPence: 2_000_000 })).state)).toHaveLength(1);
  });

  it('refuses a collaborative bid without a partner', () => {
    given(...aDraft())
      .when(submit({ round: round({ kind: 'collaborative' }) }))
      .thenInvalid('partners: a collaborative round needs at least one partner');
  });

  it('accepts a collaborative bid with a partner, and a standard bid without one', () => {
    const withPartner = given(opened({ partners: [{ name: 'Loughborough Community Sports Trust' }] })).state;
    expect(applicationDecider.decide(submit({ round: round({ kind: 'collaborative' }) }), withPartner)).toHaveLength(1);
    expect(applicationDecider.decide(submit({ round: round({ kind: 'standard' }) }), given(...aDraft()).state)).toHaveLength(1);
  });

  it('re-checks zone, theme and dates, and reports every broken rule at once', () => {
    given(opened({ sustainability: ' ', requestedPence: 5_000_000, zone: 'atlantis' }))
      .when(submit({ round: round({ kind: 'collaborative' }) }))
      .thenInvalid('sustainability', 'at most 1000000 pence', "whole budget", 'partners', 'zone:');
  });

  it('checks the details as edited, not as first opened', () => {
    given(opened({ sustainability: '' }), edited({ sustainability: 'Handed to the residents association.' }))
      .when(submit())
      .then([{ type: 'ApplicationSubmitted', data: { applicationId: APP, roundId: 'round-1', submittedAt: WHILE_OPEN } }]);
  });

  it('submitting again is a no-op', () => {
    given(...aSubmitted()).when(submit()).then([]);
  });

  it('refuses to submit a withdrawn application', () => {
    given(opened(), withdrawn()).when(submit()).thenThrows(Conflict, /Only a draft can be submitted; this application is withdrawn/);
  });

  it('evolves to submitted', () => {
    expect(given(...aSubmitted()).state.status).toBe('submitted');
  });
});

describe('application decider: WithdrawApplication', () => {
  it('withdraws a draft with a trimmed reason', () => {
    given(...aDraft())
      .when(withdraw({ reason: '  We found other funding.  ' }))
      .then([{ type: 'ApplicationWithdrawn', data: { applicationId: APP, reason: 'We found other funding.', withdrawnAt: WHILE_OPEN } }]);
  });

  it('withdraws a submitted application, even after the round closed; no or blank reason is null', () => {
    given(...aSubmitted())
      .when(withdraw({ now: AFTER_CLOSE }))
      .then([{ type: 'ApplicationWithdrawn', data: { applicationId: APP, reason: null, withdrawnAt: AFTER_CLOSE } }]);
    given(...aSubmitted())
      .when(withdraw({ reason: '   ' }))
      .then([{ type: 'ApplicationWithdrawn', data: { applicationId: APP, reason: null, withdrawnAt: WHILE_OPEN } }]);
  });

  it('withdrawing twice is a no-op', () => {
    given(opened(), submitted(), withdrawn()).when(withdraw()).then([]);
  });

  it('refuses to withdraw an awarded application', () => {
    given(opened(), submitted(), awarded())
      .when(withdraw())
      .thenThrows(Conflict, /A decided application cannot be withdrawn; this one is awarded/);
  });

  it('refuses to withdraw a declined application', () => {
    given(opened(), submitted(), declined()).when(withdraw()).thenThrows(Conflict, /this one is declined/);
  });

  it('evolves to withdrawn', () => {
    expect(given(opened(), withdrawn()).state.status).toBe('withdrawn');
  });
});

describe('application decider: DeclareConflict', () => {
  it("lets a member of the round's panel declare a conflict on a submitted application, reason trimmed", () => {
    given(...aSubmitted())
      .when(declareConflict())
      .then([
        { type: 'ConflictOfInterestDeclared', data: { applicationId: APP, member: 'panel-1', reason: 'I am a trustee of the applicant' } },
      ]);
  });

  it("tells anyone not on the round's panel that there is no such application (NotFound)", () => {
    given(...aSubmitted())
      .when(declareConflict({ member: 'panel-9' }))
      .thenThrows(NotFound, `Application ${APP} not found`);
  });

  it('refuses a panel that is empty', () => {
    given(...aSubmitted())
      .when(declareConflict({ round: round({ panel: [] }) }))
      .thenThrows(NotFound, /not found/);
  });

  it('a draft is invisible to the panel (NotFound)', () => {
    given(...aDraft()).when(declareConflict()).thenThrows(NotFound, `Application ${APP} not found`);
  });

  it('requires a reason', () => {
    given(...aSubmitted()).when(declareConflict({ reason: '   ' })).thenInvalid('reason must not be empty');
  });

  it('declaring the same conflict twice is a no-op', () => {
    given(opened(), submitted(), conflictDeclared('panel-1')).when(declareConflict()).then([]);
  });

  it('evolves: the member is conflicted and their earlier scores are dropped; other members keep theirs', () => {
    const { state } = given(
      opened(),
      submitted(),
      scored('panel-1', GOOD_SCORES, GOOD_TOTAL),
      scored('panel-2', { ...GOOD_SCORES, need: 0 }, 32),
      conflictDeclared('panel-1'),
    );
    assertStatus(state, 'submitted');
    expect(state.conflicts).toEqual(['panel-1']);
    expect(state.scores).toEqual({ 'panel-2': { scores: { ...GOOD_SCORES, need: 0 }, weightedTotal: 32 } });
  });
});

describe('application decider: ScoreApplication', () => {
  it('records every criterion with the weighted total = sum(score × weight), comment trimmed', () => {
    given(...aSubmitted())
      .when(scoreCmd())
      .then([
        {
          type: 'ApplicationScored',
          data: { applicationId: APP, member: 'panel-1', scores: GOOD_SCORES, comment: 'Credible plan.', weightedTotal: GOOD_TOTAL },
        },
      ]);
  });

  it('accepts the bounds 0 and 5 (totals 0 and 50 with the default weights)', () => {
    const zeros = { need: 0, outcomes: 0, deliverability: 0, 'value-for-money': 0, sustainability: 0 };
    const fives = { need: 5, outcomes: 5, deliverability: 5, 'value-for-money': 5, sustainability: 5 };
    const state = given(...aSubmitted()).state;
    expect(applicationDecider.decide(scoreCmd({ scores: zeros }), state)[0].data).toMatchObject({ scores: zeros, weightedTotal: 0 });
    expect(applicationDecider.decide(scoreCmd({ scores: fives }), state)[0].data).toMatchObject({ scores: fives, weightedTotal: 50 });
  });

  it("scores exactly the round's own criteria with their weights", () => {
    const criteria = [
      { key: 'reach', title: 'Reach', weight: 1.5 },
      { key: 'legacy', title: 'Legacy', weight: 4 },
    ];
    given(...aSubmitted())
      .when(scoreCmd({ round: round({ criteria }), scores: { reach: 2, legacy: 3 } }))
      .then([
        {
          type: 'ApplicationScored',
          data: { applicationId: APP, member: 'panel-1', scores: { reach: 2, legacy: 3 }, comment: 'Credible plan.', weightedTotal: 15 },
        },
      ]);
  });

  it('weightedTotal sums score × weight over the criteria', () => {
    expect(weightedTotal(GOOD_SCORES, DEFAULT_CRITERIA)).toBe(40);
    expect(weightedTotal({ a: 3, b: 1 }, [{ key: 'a', title: 'A', weight: 2 }, { key: 'b', title: 'B', weight: 5 }])).toBe(11);
  });

  it('scoring is allowed while the round is still open, too', () => {
    expect(applicationDecider.decide(scoreCmd({ now: WHILE_OPEN }), given(...aSubmitted()).state)).toHaveLength(1);
  });

  it("tells anyone not on the round's panel that there is no such application (NotFound)", () => {
    given(...aSubmitted())
      .when(scoreCmd({ member: 'staff-1' }))
      .thenThrows(NotFound, `Application ${APP} not found`);
  });

  it('refuses a member who declared a conflict (Forbidden)', () => {
    given(opened(), submitted(), conflictDeclared('panel-1'))
      .when(scoreCmd())
      .thenThrows(Forbidden, 'conflict of interest');
  });

  it('a conflicted member does not stop another member scoring', () => {
    expect(applicationDecider.decide(scoreCmd({ member: 'panel-2' }), given(opened(), submitted(), conflictDeclared('panel-1')).state)).toHaveLength(1);
  });

  it('a draft is invisible to the panel (NotFound)', () => {
    given(...aDraft()).when(scoreCmd()).thenThrows(NotFound, `Application ${APP} not found`);
  });

  it('names a missing criterion', () => {
    const { sustainability: _missing, ...scores } = GOOD_SCORES;
    given(...aSubmitted()).when(scoreCmd({ scores })).thenInvalid('scores.sustainability is missing');
  });

  it('names a key that is not a criterion of the round', () => {
    given(...aSubmitted())
      .when(scoreCmd({ scores: { ...GOOD_SCORES, charisma: 5 } }))
      .thenInvalid('scores.charisma is not a criterion of this round');
  });

  it.each([6, -1, 2.5, Number.NaN])('names an out-of-range or fractional score (%p)', (value) => {
    given(...aSubmitted())
      .when(scoreCmd({ scores: { ...GOOD_SCORES, need: value } }))
      .thenInvalid('scores.need must be a whole number from 0 to 5');
  });

  it('names every bad key at once: missing, extra and out of range', () => {
    given(...aSubmitted())
      .when(scoreCmd({ scores: { need: 9, outcomes: 3, deliverability: 4, 'value-for-money': 3, charisma: 1 } }))
      .thenInvalid('scores.need must be a whole number', 'scores.sustainability is missing', 'scores.charisma is not a criterion');
  });

  it('scores are revisable until the decision: a later score replaces the member’s earlier one', () => {
    const first = scored('panel-1', GOOD_SCORES, GOOD_TOTAL);
    const revised = { ...GOOD_SCORES, sustainability: 2 };
    given(opened(), submitted(), first)
      .when(scoreCmd({ scores: revised }))
      .then([
        { type: 'ApplicationScored', data: { applicationId: APP, member: 'panel-1', scores: revised, comment: 'Credible plan.', weightedTotal: 31 } },
      ]);
    const state = inStatus(given(opened(), submitted(), first, scored('panel-1', revised, 31)).state, 'submitted');
    expect(state.scores).toEqual({ 'panel-1': { scores: revised, weightedTotal: 31 } });
  });

  it.each([
    ['awarded', [opened(), submitted(), awarded()]],
    ['declined', [opened(), submitted(), declined()]],
    ['withdrawn', [opened(), submitted(), withdrawn()]],
  ] as const)('refuses scores once the application is %s', (status, events) => {
    given(...events).when(scoreCmd()).thenThrows(Conflict, `Scores can change only until the decision; this application is ${status}`);
  });
});

describe('application decider: AwardGrant', () => {
  it('awards a submitted application after the round closes: one tranche on the award date, branding condition', () => {
    given(...aSubmitted())
      .when(award({ note: '  Well evidenced.  ' }))
      .then([
        {
          type: 'ApplicationAwarded',
          data: {
            applicationId: APP,
            roundId: 'round-1',
            amountPence: 400_000,
            tranches: [{ amountPence: 400_000, dueOn: '2024-07-15' }],
            conditions: [BRANDING_CONDITION],
            note: 'Well evidenced.',
            awardedAt: AFTER_CLOSE,
          },
        },
        {
          type: 'MonitoringScheduled',
          data: {
            applicationId: APP,
            items: monitoringSchedule(AFTER_CLOSE, details().projectEnd, { firstCheckinAfter: 'P1M', monitoringInterval: 'P3M' }),
            policy: { firstCheckinAfter: 'P1M', monitoringInterval: 'P3M' },
          },
        },
      ]);
  });

  it('an empty tranche list also means one tranche on the award date; a blank note is null', () => {
    const [event] = applicationDecider.decide(award({ tranches: [], note: '  ' }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ tranches: [{ amountPence: 400_000, dueOn: '2024-07-15' }], note: null });
  });

  it('decides exactly at closesAt (the round is closed then)', () => {
    const [event] = applicationDecider.decide(award({ now: CLOSES_AT }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ awardedAt: CLOSES_AT, tranches: [{ amountPence: 400_000, dueOn: '2024-06-29' }] });
  });

  it('refuses while the round is still open (one millisecond before closesAt)', () => {
    given(...aSubmitted())
      .when(award({ now: JUST_BEFORE_CLOSE }))
      .thenThrows(Conflict, `Decisions are made after the round closes (${CLOSES_AT})`);
  });

  it('refuses in a cancelled round', () => {
    given(...aSubmitted())
      .when(award({ round: round({ cancelledAt: '2024-06-05T00:00:00.000Z' }) }))
      .thenThrows(Conflict, /cancelled; its applications can only be declined/);
  });

  it('lets a submitted bid in a cancelled round be declined, so it is not left waiting forever', () => {
    const [event] = applicationDecider.decide(
      decline({ now: WHILE_OPEN, round: round({ cancelledAt: '2024-06-05T00:00:00.000Z' }) }),
      given(...aSubmitted()).state,
    );
    expect(event.type).toBe('ApplicationDeclined');
  });

  it.each([
    ['draft', [opened()]],
    ['withdrawn', [opened(), submitted(), withdrawn()]],
  ] as const)('refuses a %s application', (status, events) => {
    given(...events).when(award()).thenThrows(Conflict, `Only a submitted application can be decided; this one is ${status}`);
  });

  it('exactly one decision: refuses a second award', () => {
    given(opened(), submitted(), awarded()).when(award()).thenThrows(Conflict, 'already been decided (awarded)');
  });

  it('exactly one decision: refuses to award a declined application', () => {
    given(opened(), submitted(), declined()).when(award()).thenThrows(Conflict, 'already been decided (declined)');
  });

  it('refuses more than was requested, and accepts exactly the request', () => {
    given(...aSubmitted()).when(award({ amountPence: 600_001 })).thenInvalid('amountPence must not exceed the 600000 pence requested');
    expect(applicationDecider.decide(award({ amountPence: 600_000 }), given(...aSubmitted()).state)[0].data).toMatchObject({
      amountPence: 600_000,
    });
  });

  it("refuses more than the round's maximum award, and accepts exactly the maximum", () => {
    given(...aSubmitted())
      .when(award({ amountPence: 300_001, round: round({ maxAwardPence: 300_000 }) }))
      .thenInvalid("amountPence must not exceed the round's maximum award of 300000 pence");
    expect(applicationDecider.decide(award({ amountPence: 300_000, round: round({ maxAwardPence: 300_000 }) }), given(...aSubmitted()).state)[0].type).toBe('ApplicationAwarded');
  });

  it.each([0, -100, 1.5])('refuses an amount that is not a positive whole number of pence (%p)', (amountPence) => {
    const error = given(...aSubmitted()).when(award({ amountPence })).thenThrows(InvalidCommand, '') as InvalidCommand;
    expect(error.problems).toContain('amountPence must be a positive whole number of pence');
  });

  it('carries phased tranches as given when they add up and are in date order (equal dates allowed)', () => {
    const tranches = [
      { amountPence: 200_000, dueOn: '2024-08-01' },
      { amountPence: 100_000, dueOn: '2024-08-01' },
      { amountPence: 100_000, dueOn: '2025-02-01' },
    ];
    const [event] = applicationDecider.decide(award({ tranches }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ amountPence: 400_000, tranches });
  });

  it('refuses tranches that do not add up to the amount', () => {
    given(...aSubmitted())
      .when(award({ tranches: [{ amountPence: 200_000, dueOn: '2024-08-01' }, { amountPence: 199_999, dueOn: '2024-09-01' }] }))
      .thenInvalid('tranches must add up to amountPence (399999 ≠ 400000)');
  });

  it('refuses tranches out of date order', () => {
    given(...aSubmitted())
      .when(award({ tranches: [{ amountPence: 200_000, dueOn: '2024-09-01' }, { amountPence: 200_000, dueOn: '2024-08-01' }] }))
      .thenInvalid('tranches must be in date order');
  });

  it('refuses a tranche of zero', () => {
    given(...aSubmitted())
      .when(award({ tranches: [{ amountPence: 400_000, dueOn: '2024-08-01' }, { amountPence: 0, dueOn: '2024-09-01' }] }))
      .thenInvalid('every tranche must be a positive amount');
  });

  it('reports every broken award rule at once', () => {
    given(...aSubmitted())
      .when(
        award({
          amountPence: 700_000,
          round: round({ maxAwardPence: 650_000 }),
          tranches: [{ amountPence: 10, dueOn: '2024-09-01' }, { amountPence: 0, dueOn: '2024-08-01' }],
        }),
      )
      .thenInvalid('600000 pence requested', 'maximum award of 650000', 'add up', 'positive amount', 'date order');
  });

  it('an award of 499999 pence carries the branding condition only', () => {
    const [event] = applicationDecider.decide(award({ amountPence: 499_999 }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ conditions: [BRANDING_CONDITION] });
  });

  it('an award of 500000 pence (£5,000) also requires steering-group attendance', () => {
    const [event] = applicationDecider.decide(award({ amountPence: 500_000 }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ conditions: [BRANDING_CONDITION, STEERING_GROUP_CONDITION] });
    expect(STEERING_GROUP_CONDITION).toBe('steering-group-attendance');
    expect(BRANDING_CONDITION).toBe('people-zones-branding');
  });

  it('appends extra conditions after the standard ones, without duplicates', () => {
    const [event] = applicationDecider.decide(
      award({
        amountPence: 500_000,
        conditions: ['quarterly-photos', 'people-zones-branding', 'quarterly-photos', 'steering-group-attendance', 'case-study-video'],
      }),
      given(...aSubmitted()).state,
    );
    expect(event.data).toMatchObject({
      conditions: [BRANDING_CONDITION, STEERING_GROUP_CONDITION, 'quarterly-photos', 'case-study-video'],
    });
  });

  it('evolves to awarded with the awarded amount', () => {
    const { state } = given(opened(), submitted(), awarded(450_000));
    expect(state).toMatchObject({ status: 'awarded', awardedPence: 450_000 });
  });
});

describe('application decider: DeclineApplication', () => {
  it('declines a submitted application after the round closes, with trimmed feedback', () => {
    given(...aSubmitted())
      .when(decline())
      .then([
        {
          type: 'ApplicationDeclined',
          data: { applicationId: APP, roundId: 'round-1', feedback: 'The budget was not clear enough.', declinedAt: AFTER_CLOSE },
        },
      ]);
  });

  it.each(['', '   '])('requires feedback (%j is refused)', (feedback) => {
    given(...aSubmitted()).when(decline({ feedback })).thenInvalid('feedback must not be empty');
  });

  it('refuses while the round is open', () => {
    given(...aSubmitted()).when(decline({ now: WHILE_OPEN })).thenThrows(Conflict, 'Decisions are made after the round closes');
  });

  it('refuses a draft', () => {
    given(...aDraft()).when(decline()).thenThrows(Conflict, 'Only a submitted application can be decided; this one is draft');
  });

  it('exactly one decision: refuses to decline twice, or to decline an awarded application', () => {
    given(opened(), submitted(), declined()).when(decline()).thenThrows(Conflict, 'already been decided (declined)');
    given(opened(), submitted(), awarded()).when(decline()).thenThrows(Conflict, 'already been decided (awarded)');
  });

  it('evolves to declined, with nothing awarded', () => {
    const { state } = given(opened(), submitted(), declined());
    expect(state).toMatchObject({ status: 'declined', awardedPence: null });
  });
});
