import { NotFound } from '@pz/platform/domain';
import type { RoundCommand } from './round';
import { cancel, commit, given, release, reschedule, setPanel } from './testing/round-fixtures';

// The router: every command but ScheduleRound needs a round that exists.
describe('round decider: commands on a round that does not exist', () => {
  it.each<[string, RoundCommand]>([
    ['RescheduleRound', reschedule({ closesAt: '2024-07-01T00:00:00Z' })],
    ['CancelRound', cancel()],
    ['SetRoundPanel', setPanel(['p1'])],
    ['CommitRoundFunds', commit('a1', 1)],
    ['ReleaseRoundFunds', release('a1')],
  ])('%s is NotFound', (_name, command) => {
    given().when(command).thenThrows(NotFound, 'Round r1 not found');
  });
});
