import { Conflict, InvalidCommand } from '@pz/platform/domain';
import type { RoundEvent } from './events';
import { roundDecider } from './round';
import type { OnCalendar } from './state';
import { cancelled, commit, committed, given, onCalendar, release, released, scheduled } from './testing/round-fixtures';

describe('round decider: CommitRoundFunds', () => {
  it('refuses a zero or negative commitment, which would grow the remaining budget', () => {
    for (const amount of [0, -100, 1.5]) {
      given(scheduled()).when(commit('a1', amount)).thenThrows(InvalidCommand, /positive whole number/);
    }
  });

  it('commits funds for an application', () => {
    given(scheduled())
      .when(commit('a1', 450_000))
      .then([{ type: 'RoundFundsCommitted', data: { roundId: 'r1', applicationId: 'a1', amountPence: 450_000 } }]);
  });

  it('commits the whole budget when it exactly fits', () => {
    given(scheduled())
      .when(commit('a1', 4_000_000))
      .then([{ type: 'RoundFundsCommitted', data: { roundId: 'r1', applicationId: 'a1', amountPence: 4_000_000 } }]);
  });

  it('refuses one penny over the budget', () => {
    given(scheduled()).when(commit('a1', 4_000_001)).thenThrows(Conflict, 'Over budget: the round has 4000000 pence left of 4000000; this award needs 4000001');
  });

  it('counts earlier commitments: the remainder exactly fits, one penny more does not', () => {
    const earlier = [scheduled(), committed('a1', 3_000_000), committed('a2', 500_000)];
    given(...earlier)
      .when(commit('a3', 500_000))
      .then([{ type: 'RoundFundsCommitted', data: { roundId: 'r1', applicationId: 'a3', amountPence: 500_000 } }]);
    given(...earlier).when(commit('a3', 500_001)).thenThrows(Conflict, 'Over budget: the round has 500000 pence left');
  });

  it('a retried commit for the same application and amount is a no-op (even with the budget fully used)', () => {
    given(scheduled(), committed('a1', 4_000_000)).when(commit('a1', 4_000_000)).then([]);
  });

  it('a commit for the same application with a different amount is a Conflict', () => {
    given(scheduled(), committed('a1', 400_000))
      .when(commit('a1', 300_000))
      .thenThrows(Conflict, 'This application already has funds committed for a different amount');
  });

  it('refuses a cancelled round', () => {
    given(scheduled(), cancelled()).when(commit('a1', 1)).thenThrows(Conflict, 'The round has been cancelled');
  });

  it('released funds can be committed again', () => {
    given(scheduled(), committed('a1', 4_000_000), released('a1', 4_000_000))
      .when(commit('a2', 4_000_000))
      .then([{ type: 'RoundFundsCommitted', data: { roundId: 'r1', applicationId: 'a2', amountPence: 4_000_000 } }]);
  });
});

describe('round decider: ReleaseRoundFunds', () => {
  it('releases exactly what was committed for the application', () => {
    given(scheduled(), committed('a1', 450_000), committed('a2', 100_000))
      .when(release('a1', { reason: 'award not recorded: the application changed' }))
      .then([
        { type: 'RoundFundsReleased', data: { roundId: 'r1', applicationId: 'a1', amountPence: 450_000, reason: 'award not recorded: the application changed' } },
      ]);
  });

  it('nothing committed for the application: no events', () => {
    given(scheduled(), committed('a2', 100_000)).when(release('a1')).then([]);
  });

  it('releasing twice: the second yields no events', () => {
    given(scheduled(), committed('a1', 450_000), released('a1', 450_000)).when(release('a1')).then([]);
  });
});

describe('round decider: evolve keeps committedPence right', () => {
  it('through commits and releases, including a release of something never committed', () => {
    const steps: [RoundEvent, number, Record<string, number>][] = [
      [committed('a1', 1_000_000), 1_000_000, { a1: 1_000_000 }],
      [committed('a2', 250_000), 1_250_000, { a1: 1_000_000, a2: 250_000 }],
      [released('a1', 1_000_000), 250_000, { a2: 250_000 }],
      [released('zz', 999), 250_000, { a2: 250_000 }],
      [committed('a3', 3_750_000), 4_000_000, { a2: 250_000, a3: 3_750_000 }],
      [released('a2', 250_000), 3_750_000, { a3: 3_750_000 }],
      [committed('a1', 5), 3_750_005, { a3: 3_750_000, a1: 5 }],
    ];
    let state = onCalendar(given(scheduled())).state;
    expect(state.committedPence).toBe(0);
    for (const [event, total, commitments] of steps) {
      state = roundDecider.evolve(state, event) as OnCalendar;
      expect(state.committedPence).toBe(total);
      expect(state.commitments).toEqual(commitments);
    }
  });

  it('a release takes back the amount that was committed, whatever the event says', () => {
    const { state } = onCalendar(given(scheduled(), committed('a1', 700_000), released('a1', 1)));
    expect(state.committedPence).toBe(0);
    expect(state.commitments).toEqual({});
  });

  it('the remaining budget seen by a decision follows the folded commitments', () => {
    const events = [scheduled({ budgetPence: 1_000_000 }), committed('a1', 600_000), released('a1', 600_000), committed('a2', 700_000)];
    given(...events).when(commit('a3', 300_001)).thenThrows(Conflict, 'the round has 300000 pence left of 1000000');
    given(...events)
      .when(commit('a3', 300_000))
      .then([{ type: 'RoundFundsCommitted', data: { roundId: 'r1', applicationId: 'a3', amountPence: 300_000 } }]);
  });
});
