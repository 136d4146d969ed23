import { Conflict, InvalidCommand } from '@pz/platform/domain';
import { applicationDecider } from '../application';
import { monitoringSchedule } from '../monitoring/policy';
import {
  AFTER_CLOSE,
  APP,
  aSubmitted,
  award,
  awarded,
  CLOSES_AT,
  decline,
  declined,
  details,
  given,
  JUST_BEFORE_CLOSE,
  opened,
  round,
  submitted,
  WHILE_OPEN,
  withdrawn,
} from '../testing/application-fixtures';
import { BRANDING_CONDITION, STEERING_GROUP_CONDITION } from './award-grant';

describe('application decider: AwardGrant', () => {
  it('awards a submitted application after the round closes: one tranche on the award date, branding condition', () => {
    given(...aSubmitted())
      .when(award({ note: '  Well evidenced.  ' }))
      .then([
        {
          type: 'ApplicationAwarded',
          data: {
            applicationId: APP,
            roundId: 'round-1',
            amountPence: 400_000,
            tranches: [{ amountPence: 400_000, dueOn: '2024-07-15' }],
            conditions: [BRANDING_CONDITION],
            note: 'Well evidenced.',
            awardedAt: AFTER_CLOSE,
          },
        },
        {
          type: 'MonitoringScheduled',
          data: {
            applicationId: APP,
            items: monitoringSchedule(AFTER_CLOSE, details().projectEnd, { firstCheckinAfter: 'P1M', monitoringInterval: 'P3M' }),
            policy: { firstCheckinAfter: 'P1M', monitoringInterval: 'P3M' },
          },
        },
      ]);
  });

  it('an empty tranche list also means one tranche on the award date; a blank note is null', () => {
    const [event] = applicationDecider.decide(award({ tranches: [], note: '  ' }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ tranches: [{ amountPence: 400_000, dueOn: '2024-07-15' }], note: null });
  });

  it('decides exactly at closesAt (the round is closed then)', () => {
    const [event] = applicationDecider.decide(award({ now: CLOSES_AT }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ awardedAt: CLOSES_AT, tranches: [{ amountPence: 400_000, dueOn: '2024-06-29' }] });
  });

  it('refuses while the round is still open (one millisecond before closesAt)', () => {
    given(...aSubmitted())
      .when(award({ now: JUST_BEFORE_CLOSE }))
      .thenThrows(Conflict, `Decisions are made after the round closes (${CLOSES_AT})`);
  });

  it('refuses in a cancelled round', () => {
    given(...aSubmitted())
      .when(award({ round: round({ cancelledAt: '2024-06-05T00:00:00.000Z' }) }))
      .thenThrows(Conflict, /cancelled; its applications can only be declined/);
  });

  it('lets a submitted bid in a cancelled round be declined, so it is not left waiting forever', () => {
    const [event] = applicationDecider.decide(
      decline({ now: WHILE_OPEN, round: round({ cancelledAt: '2024-06-05T00:00:00.000Z' }) }),
      given(...aSubmitted()).state,
    );
    expect(event.type).toBe('ApplicationDeclined');
  });

  it.each([
    ['draft', [opened()]],
    ['withdrawn', [opened(), submitted(), withdrawn()]],
  ] as const)('refuses a %s application', (status, events) => {
    given(...events).when(award()).thenThrows(Conflict, `Only a submitted application can be decided; this one is ${status}`);
  });

  it('exactly one decision: refuses a second award', () => {
    given(opened(), submitted(), awarded()).when(award()).thenThrows(Conflict, 'already been decided (awarded)');
  });

  it('exactly one decision: refuses to award a declined application', () => {
    given(opened(), submitted(), declined()).when(award()).thenThrows(Conflict, 'already been decided (declined)');
  });

  it('refuses more than was requested, and accepts exactly the request', () => {
    given(...aSubmitted()).when(award({ amountPence: 600_001 })).thenInvalid('amountPence must not exceed the 600000 pence requested');
    expect(applicationDecider.decide(award({ amountPence: 600_000 }), given(...aSubmitted()).state)[0].data).toMatchObject({
      amountPence: 600_000,
    });
  });

  it("refuses more than the round's maximum award, and accepts exactly the maximum", () => {
    given(...aSubmitted())
      .when(award({ amountPence: 300_001, round: round({ maxAwardPence: 300_000 }) }))
      .thenInvalid("amountPence must not exceed the round's maximum award of 300000 pence");
    expect(applicationDecider.decide(award({ amountPence: 300_000, round: round({ maxAwardPence: 300_000 }) }), given(...aSubmitted()).state)[0].type).toBe('ApplicationAwarded');
  });

  it.each([0, -100, 1.5])('refuses an amount that is not a positive whole number of pence (%p)', (amountPence) => {
    const error = given(...aSubmitted()).when(award({ amountPence })).thenThrows(InvalidCommand, '') as InvalidCommand;
    expect(error.problems).toContain('amountPence must be a positive whole number of pence');
  });

  it('carries phased tranches as given when they add up and are in date order (equal dates allowed)', () => {
    const tranches = [
      { amountPence: 200_000, dueOn: '2024-08-01' },
      { amountPence: 100_000, dueOn: '2024-08-01' },
      { amountPence: 100_000, dueOn: '2025-02-01' },
    ];
    const [event] = applicationDecider.decide(award({ tranches }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ amountPence: 400_000, tranches });
  });

  it('refuses tranches that do not add up to the amount', () => {
    given(...aSubmitted())
      .when(award({ tranches: [{ amountPence: 200_000, dueOn: '2024-08-01' }, { amountPence: 199_999, dueOn: '2024-09-01' }] }))
      .thenInvalid('tranches must add up to amountPence (399999 ≠ 400000)');
  });

  it('refuses tranches out of date order', () => {
    given(...aSubmitted())
      .when(award({ tranches: [{ amountPence: 200_000, dueOn: '2024-09-01' }, { amountPence: 200_000, dueOn: '2024-08-01' }] }))
      .thenInvalid('tranches must be in date order');
  });

  it('refuses a tranche of zero', () => {
    given(...aSubmitted())
      .when(award({ tranches: [{ amountPence: 400_000, dueOn: '2024-08-01' }, { amountPence: 0, dueOn: '2024-09-01' }] }))
      .thenInvalid('every tranche must be a positive amount');
  });

  it('reports every broken award rule at once', () => {
    given(...aSubmitted())
      .when(
        award({
          amountPence: 700_000,
          round: round({ maxAwardPence: 650_000 }),
          tranches: [{ amountPence: 10, dueOn: '2024-09-01' }, { amountPence: 0, dueOn: '2024-08-01' }],
        }),
      )
      .thenInvalid('600000 pence requested', 'maximum award of 650000', 'add up', 'positive amount', 'date order');
  });

  it('an award of 499999 pence carries the branding condition only', () => {
    const [event] = applicationDecider.decide(award({ amountPence: 499_999 }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ conditions: [BRANDING_CONDITION] });
  });

  it('an award of 500000 pence (£5,000) also requires steering-group attendance', () => {
    const [event] = applicationDecider.decide(award({ amountPence: 500_000 }), given(...aSubmitted()).state);
    expect(event.data).toMatchObject({ conditions: [BRANDING_CONDITION, STEERING_GROUP_CONDITION] });
    expect(STEERING_GROUP_CONDITION).toBe('steering-group-attendance');
    expect(BRANDING_CONDITION).toBe('people-zones-branding');
  });

  it('appends extra conditions after the standard ones, without duplicates', () => {
    const [event] = applicationDecider.decide(
      award({
        amountPence: 500_000,
        conditions: ['quarterly-photos', 'people-zones-branding', 'quarterly-photos', 'steering-group-attendance', 'case-study-video'],
      }),
      given(...aSubmitted()).state,
    );
    expect(event.data).toMatchObject({
      conditions: [BRANDING_CONDITION, STEERING_GROUP_CONDITION, 'quarterly-photos', 'case-study-video'],
    });
  });

  it('evolves to awarded with the awarded amount', () => {
    const { state } = given(opened(), submitted(), awarded(450_000));
    expect(state).toMatchObject({ status: 'awarded', awardedPence: 450_000 });
  });
});
