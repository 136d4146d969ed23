import { Conflict, Forbidden, NotFound } from '@pz/platform/domain';
import { DEFAULT_CRITERIA } from '@pz/rounds/domain';
import { applicationDecider } from '../application';
import {
  aDraft,
  APP,
  aSubmitted,
  awarded,
  conflictDeclared,
  declined,
  given,
  GOOD_SCORES,
  GOOD_TOTAL,
  inStatus,
  opened,
  ORG,
  OTHER_ORG,
  round,
  scoreCmd,
  scored,
  submitted,
  WHILE_OPEN,
  withdrawn,
} from '../testing/application-fixtures';
import { weightedTotal } from './score-application';

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
  ] as const)('refuses scores once the application is %s', (status, events) => {
    given(...events).when(scoreCmd()).thenThrows(Conflict, `Scores can change only until the decision; this application is ${status}`);
  });

  it('a withdrawn application is invisible to the panel (NotFound, as the list and the page show it)', () => {
    given(opened(), submitted(), withdrawn()).when(scoreCmd()).thenThrows(NotFound, `Application ${APP} not found`);
  });

  it('refuses a member of the applicant organisation: conflicted without declaring it (Forbidden)', () => {
    given(...aSubmitted())
      .when(scoreCmd({ memberOrg: ORG }))
      .thenThrows(Forbidden, /belong to the organisation that applied/);
    given(...aSubmitted()).when(scoreCmd({ memberOrg: OTHER_ORG })).then([expect.objectContaining({ type: 'ApplicationScored' })]);
  });
});
