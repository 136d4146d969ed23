import { Conflict } from '@pz/platform/domain';
import {
  aDraft,
  AFTER_CLOSE,
  APP,
  aSubmitted,
  awarded,
  declined,
  given,
  opened,
  submitted,
  WHILE_OPEN,
  withdraw,
  withdrawn,
} from '../testing/application-fixtures';

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
