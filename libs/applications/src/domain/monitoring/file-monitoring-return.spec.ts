import { Conflict } from '@pz/platform/domain';
import { applicationDecider } from '../application';
import { APP, awarded, given, submitted } from '../testing/application-fixtures';
import {
  anAward,
  CHECK_IN_DUE,
  checkInFiled,
  fileReturn,
  funded,
  ON_TIME,
  openedWithoutContact,
  rated,
  RETURN_1_DUE,
  returnFiled,
  scheduled,
} from '../testing/monitoring-fixtures';
import { type DueItem } from './policy';

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
    given(openedWithoutContact(), submitted(), awarded(), scheduled(noReturns))
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
