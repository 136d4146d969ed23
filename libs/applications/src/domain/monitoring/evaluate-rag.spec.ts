import { applicationDecider } from '../application';
import { APP, awarded, declined, given, submitted, withdrawn } from '../testing/application-fixtures';
import {
  aClosedGrant,
  anAward,
  CHECK_IN_AMBER,
  CHECK_IN_DUE,
  CHECK_IN_RED,
  checkInFiled,
  DAY,
  evaluateRag,
  fileCheckIn,
  ON_TIME,
  openedWithoutContact,
  rated,
  RETURN_1_DUE,
  returnFiled,
  scheduled,
  shift,
} from '../testing/monitoring-fixtures';
import { type DueItem } from './policy';

describe('application decider: EvaluateRag (the policy, automatically)', () => {
  it('on time: no events', () => {
    given(...anAward()).when(evaluateRag(ON_TIME)).then([]);
  });

  it('the check-in exactly amberAfter overdue: not yet over it, no events', () => {
    given(...anAward()).when(evaluateRag(shift(CHECK_IN_DUE, 7 * DAY))).then([]);
  });

  it('the check-in one millisecond past amberAfter: Amber by the system, naming the item', () => {
    const now = shift(CHECK_IN_DUE, 7 * DAY + 1);
    given(...anAward())
      .when(evaluateRag(now))
      .then([
        {
          type: 'GrantRagRated',
          data: {
            applicationId: APP,
            rating: 'amber',
            previous: 'green',
            reason: 'The first-month check-in due 2024-08-15 is more than 7 days overdue',
            by: 'system',
            ratedAt: now,
          },
        },
      ]);
  });

  it('a verdict that has not changed is not recorded again', () => {
    given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER)).when(evaluateRag(shift(CHECK_IN_AMBER, DAY))).then([]);
  });

  it('exactly redAfter overdue is still Amber; one millisecond past it is Red, previous Amber', () => {
    const amber = [...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER)];
    given(...amber).when(evaluateRag(shift(CHECK_IN_DUE, 28 * DAY))).then([]);
    const now = shift(CHECK_IN_DUE, 28 * DAY + 1);
    given(...amber)
      .when(evaluateRag(now))
      .then([
        {
          type: 'GrantRagRated',
          data: {
            applicationId: APP,
            rating: 'red',
            previous: 'amber',
            reason: 'The first-month check-in due 2024-08-15 is more than 28 days overdue',
            by: 'system',
            ratedAt: now,
          },
        },
      ]);
  });

  it('two items each past amberAfter (neither past redAfter) is Red', () => {
    const tight: DueItem[] = [
      { key: 'check-in', kind: 'check-in', dueAt: '2024-08-15T10:30:00.000Z' },
      { key: 'return-1', kind: 'return', dueAt: '2024-08-20T10:30:00.000Z' },
      { key: 'case-study', kind: 'case-study', dueAt: '2025-08-31T23:59:59.999Z' },
    ];
    const [event] = applicationDecider.decide(
      evaluateRag('2024-08-28T10:30:00.000Z'),
      given(openedWithoutContact(), submitted(), awarded(), scheduled(tight), rated('amber', 'green', 'system', '2024-08-23T10:30:00.000Z')).state,
    );
    expect(event.data).toMatchObject({
      rating: 'red',
      previous: 'amber',
      by: 'system',
      reason: '2 monitoring items are overdue: first-month check-in due 2024-08-15, quarterly monitoring return due 2024-08-20',
    });
  });

  it('uses the RAG policy handed in with the command (shrunk durations)', () => {
    const [event] = applicationDecider.decide(
      evaluateRag(shift(CHECK_IN_DUE, 3_600_001), { ragPolicy: { amberAfter: 'PT1H', redAfter: 'PT2H' } }),
      given(...anAward()).state,
    );
    expect(event.data).toMatchObject({ rating: 'amber', reason: 'The first-month check-in due 2024-08-15 is more than 1 hour overdue' });
  });

  it("a staff rating stands while the policy's verdict is unchanged", () => {
    given(...anAward(), rated('red', 'green', 'staff', ON_TIME)).when(evaluateRag(shift(CHECK_IN_DUE, 7 * DAY))).then([]);
    given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER), rated('green', 'amber', 'staff', shift(CHECK_IN_AMBER, 1)))
      .when(evaluateRag(shift(CHECK_IN_DUE, 20 * DAY)))
      .then([]);
  });

  it("a staff rating gives way when the policy's verdict changes; previous carries the staff rating", () => {
    const [event] = applicationDecider.decide(
      evaluateRag(CHECK_IN_AMBER),
      given(...anAward(), rated('red', 'green', 'staff', ON_TIME, 'Safeguarding concern')).state,
    );
    expect(event).toEqual({
      type: 'GrantRagRated',
      data: {
        applicationId: APP,
        rating: 'amber',
        previous: 'red',
        reason: 'The first-month check-in due 2024-08-15 is more than 7 days overdue',
        by: 'system',
        ratedAt: CHECK_IN_AMBER,
      },
    });
  });

  it('a staff Green over a system Amber gives way to Red when the verdict worsens', () => {
    const [event] = applicationDecider.decide(
      evaluateRag(CHECK_IN_RED),
      given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER), rated('green', 'amber', 'staff', shift(CHECK_IN_AMBER, 1))).state,
    );
    expect(event.data).toMatchObject({ rating: 'red', previous: 'green', by: 'system' });
  });

  it('filing the late item that a staff rating sat on: the verdict changes back to Green, previous is the staff rating', () => {
    const now = shift(CHECK_IN_AMBER, DAY);
    const events = applicationDecider.decide(
      fileCheckIn({ now }),
      given(...anAward(), rated('amber', 'green', 'system', CHECK_IN_AMBER), rated('red', 'amber', 'staff', CHECK_IN_AMBER)).state,
    );
    expect(events[1]).toEqual({
      type: 'GrantRagRated',
      data: { applicationId: APP, rating: 'green', previous: 'red', reason: 'Monitoring is up to date', by: 'system', ratedAt: now },
    });
  });

  it('filed items never count: everything due filed, long after, stays Green', () => {
    given(...anAward(), checkInFiled(), returnFiled('return-1')).when(evaluateRag(shift(RETURN_1_DUE, 60 * DAY))).then([]);
  });

  it.each([
    ['draft', () => [openedWithoutContact()]],
    ['submitted', () => [openedWithoutContact(), submitted()]],
    ['withdrawn', () => [openedWithoutContact(), submitted(), withdrawn()]],
    ['declined', () => [openedWithoutContact(), submitted(), declined()]],
    ['closed', () => aClosedGrant()],
  ] as const)('a %s application yields no events, however late', (_status, events) => {
    given(...events()).when(evaluateRag('2026-12-31T00:00:00.000Z')).then([]);
  });
});
