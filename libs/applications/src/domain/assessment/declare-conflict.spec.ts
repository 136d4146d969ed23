import { NotFound } from '@pz/platform/domain';
import {
  aDraft,
  APP,
  assertStatus,
  aSubmitted,
  conflictDeclared,
  declareConflict,
  given,
  GOOD_SCORES,
  GOOD_TOTAL,
  opened,
  round,
  scored,
  submitted,
  withdrawn,
} from '../testing/application-fixtures';

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

  it('a withdrawn application is invisible to the panel (NotFound), as the list and the page show it', () => {
    given(opened(), submitted(), withdrawn()).when(declareConflict()).thenThrows(NotFound, `Application ${APP} not found`);
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
