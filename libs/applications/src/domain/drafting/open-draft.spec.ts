import { Conflict } from '@pz/platform/domain';
import { applicationDecider } from '../application';
import { EMPTY_DETAILS } from './details';
import { aDraft, APP, BEFORE_OPEN, CLOSES_AT, CONTACT, details, given, openDraft, opened, ORG, round } from '../testing/application-fixtures';

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
      .thenInvalid('zone:', 'theme:', 'projectEnd must be after projectStart', 'still be running when the round closes');
  });

  it('refuses a project that ends before its round closes: it would be monitored from the day of the award', () => {
    given()
      .when(openDraft({ details: details({ projectStart: '2024-03-01', projectEnd: '2024-06-28' }) }))
      .thenInvalid('projectEnd: the project must still be running when the round closes (2024-06-29)');
    // Ending on the closing day itself is still running when the round closes at 5pm.
    expect(applicationDecider.decide(openDraft({ details: details({ projectStart: '2024-03-01', projectEnd: '2024-06-29' }) }), applicationDecider.initialState())).toHaveLength(1);
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

  it('opens a draft with only its title: the rest is checked as it is answered', () => {
    const events = applicationDecider.decide(openDraft({ details: { ...EMPTY_DETAILS, title: 'Bell Foundry Bees' } }), applicationDecider.initialState());
    expect(events).toHaveLength(1);
    given().when(openDraft({ details: { ...EMPTY_DETAILS, title: 'Bees', zone: 'elsewhere' } })).thenInvalid('zone:');
  });
});
