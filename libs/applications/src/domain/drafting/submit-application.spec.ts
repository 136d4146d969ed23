import { Conflict } from '@pz/platform/domain';
import { applicationDecider } from '../application';
import { EMPTY_DETAILS } from './details';
import {
  aDraft,
  APP,
  aSubmitted,
  CLOSES_AT,
  details,
  edited,
  given,
  JUST_BEFORE_CLOSE,
  JUST_BEFORE_OPEN,
  opened,
  OPENS_AT,
  round,
  submit,
  WHILE_OPEN,
  withdrawn,
} from '../testing/application-fixtures';

describe('application decider: SubmitApplication', () => {
  it('names every missing answer of a draft opened with only its title', () => {
    given(opened({ ...EMPTY_DETAILS, title: 'Bell Foundry Bees' }))
      .when(submit())
      .thenInvalid('summary:', 'zone:', 'theme:', 'requestedPence:', 'projectStart:', 'projectEnd:', 'sustainability:');
  });

  it('sends a draft completed section by section', () => {
    given(opened({ ...EMPTY_DETAILS, title: 'Bell Foundry Bees' }), edited({ ...details(), title: 'Bell Foundry Bees' }))
      .when(submit())
      .then([{ type: 'ApplicationSubmitted', data: { applicationId: APP, roundId: 'round-1', submittedAt: WHILE_OPEN } }]);
  });

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
