import { Conflict } from '@pz/platform/domain';
import {
  aDraft,
  AFTER_CLOSE,
  APP,
  aSubmitted,
  awarded,
  decline,
  declined,
  given,
  opened,
  submitted,
  WHILE_OPEN,
} from '../testing/application-fixtures';

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
