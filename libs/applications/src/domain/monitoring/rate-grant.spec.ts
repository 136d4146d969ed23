import { applicationDecider } from '../application';
import { APP, given } from '../testing/application-fixtures';
import { anAward, CHECK_IN_AMBER, CHECK_IN_RED, ON_TIME, rated, rateGrant } from '../testing/monitoring-fixtures';

describe('application decider: RateGrant (staff, by hand)', () => {
  it('records the rating by staff with its trimmed reason and the rating it replaces', () => {
    given(...anAward())
      .when(rateGrant())
      .then([
        {
          type: 'GrantRagRated',
          data: { applicationId: APP, rating: 'red', previous: 'green', reason: 'Safeguarding concern', by: 'staff', ratedAt: ON_TIME },
        },
      ]);
  });

  it('previous is the rating in force, whoever set it', () => {
    const [event] = applicationDecider.decide(
      rateGrant({ rating: 'green', now: CHECK_IN_RED }),
      given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER)).state,
    );
    expect(event.data).toMatchObject({ rating: 'green', previous: 'amber', by: 'staff' });
  });

  it("keeps a message for the grantee, trimmed, apart from staff's reason; an empty one is no message", () => {
    const [withMessage] = applicationDecider.decide(rateGrant({ message: '  Please call us about the venue.  ' }), given(...anAward()).state);
    expect(withMessage.data).toMatchObject({ reason: 'Safeguarding concern', message: 'Please call us about the venue.' });
    const [blank] = applicationDecider.decide(rateGrant({ message: '   ' }), given(...anAward()).state);
    expect(blank.data).not.toHaveProperty('message');
  });

  it('requires a reason', () => {
    given(...anAward()).when(rateGrant({ reason: '   ' })).thenInvalid('reason must not be empty: every rating says why');
  });

  it("evolves: staff's rating is in force but is not the policy's verdict", () => {
    expect(given(...anAward(), rated('red', 'green', 'staff', ON_TIME)).state).toMatchObject({ rag: 'red', lastAutomaticRag: 'green' });
    expect(given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER)).state).toMatchObject({ rag: 'amber', lastAutomaticRag: 'amber' });
  });
});
