import { Conflict } from '@pz/platform/domain';
import { applicationDecider } from '../application';
import { APP, given } from '../testing/application-fixtures';
import {
  anAward,
  AWARDED_AT,
  CHECK_IN_AMBER,
  CHECK_IN_RED,
  checkInFiled,
  DAY,
  fileCheckIn,
  funded,
  ON_TIME,
  rated,
  RETURN_1_DUE,
  shift,
} from '../testing/monitoring-fixtures';

describe('application decider: FileCheckIn', () => {
  it('files the first-month check-in against its item, trimmed; on time, the rating does not move', () => {
    given(...anAward())
      .when(fileCheckIn())
      .then([
        {
          type: 'FirstCheckInFiled',
          data: {
            applicationId: APP,
            itemKey: 'check-in',
            summary: 'We have started planting',
            supportNeeded: 'Help with a risk assessment',
            filedAt: ON_TIME,
          },
        },
      ]);
  });

  it('can be filed early, before it is due', () => {
    const [event] = applicationDecider.decide(fileCheckIn({ now: AWARDED_AT }), given(...anAward()).state);
    expect(event).toMatchObject({ type: 'FirstCheckInFiled', data: { itemKey: 'check-in', filedAt: AWARDED_AT } });
  });

  it('is filed only once', () => {
    given(...anAward(), checkInFiled()).when(fileCheckIn()).thenThrows(Conflict, 'The first-month check-in has already been filed');
  });

  it('needs a summary; support needed may be blank', () => {
    given(...anAward()).when(fileCheckIn({ summary: '   ' })).thenInvalid('summary must not be empty');
    const [event] = applicationDecider.decide(fileCheckIn({ supportNeeded: '  ' }), given(...anAward()).state);
    expect(event.data).toMatchObject({ supportNeeded: '' });
  });

  it('filed late after the policy turned Amber: back to Green, "Monitoring is up to date", previous Amber', () => {
    given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER))
      .when(fileCheckIn({ now: shift(CHECK_IN_AMBER, DAY) }))
      .then([
        expect.objectContaining({ type: 'FirstCheckInFiled' }),
        {
          type: 'GrantRagRated',
          data: {
            applicationId: APP,
            rating: 'green',
            previous: 'amber',
            reason: 'Monitoring is up to date',
            by: 'system',
            ratedAt: shift(CHECK_IN_AMBER, DAY),
          },
        },
      ]);
  });

  it('filed late, but never rated Amber: the verdict stays Green, so no rating event', () => {
    const events = applicationDecider.decide(fileCheckIn({ now: CHECK_IN_RED }), given(...anAward()).state);
    expect(events.map((e) => e.type)).toEqual(['FirstCheckInFiled']);
  });

  it('filed very late while a return is itself overdue: Red moves to Amber, naming the return', () => {
    const now = shift(RETURN_1_DUE, 10 * DAY);
    given(...anAward(), rated('red', 'amber', 'system', CHECK_IN_RED))
      .when(fileCheckIn({ now }))
      .then([
        expect.objectContaining({ type: 'FirstCheckInFiled' }),
        {
          type: 'GrantRagRated',
          data: {
            applicationId: APP,
            rating: 'amber',
            previous: 'red',
            reason: 'The quarterly monitoring return due 2024-10-15 is more than 7 days overdue',
            by: 'system',
            ratedAt: now,
          },
        },
      ]);
  });

  it('evolves: the check-in counts as filed', () => {
    expect(funded(given(...anAward(), checkInFiled()).state).filed).toEqual(['check-in']);
  });
});
