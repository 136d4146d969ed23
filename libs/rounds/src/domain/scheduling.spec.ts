import { Conflict, InvalidCommand } from '@pz/platform/domain';
import { DEFAULT_CRITERIA, roundStatusAt } from './calendar';
import { roundDecider } from './round';
import type { CancelledRound } from './state';
import {
  AFTER_CLOSE,
  ANNOUNCE_AT,
  BEFORE_OPEN,
  CLOSES_AT,
  OPENS_AT,
  WHILE_OPEN,
  cancel,
  cancelled,
  committed,
  given,
  onCalendar,
  released,
  reschedule,
  rescheduled,
  schedule,
  scheduled,
} from './testing/round-fixtures';

describe('round decider: ScheduleRound', () => {
  it('announces ROUND_ALERT_LEAD before opening on the clock on the wall, across the change to summer time', () => {
    // Opens 9am BST on 20 April 2025; four weeks before is 9am GMT on 23 March, not 8am.
    const [event] = roundDecider.decide(
      schedule({ financialYear: '2025-26', opensAt: '2025-04-20T08:00:00Z', closesAt: '2025-05-20T16:00:00Z', now: '2025-01-10T00:00:00.000Z' }),
      roundDecider.initialState(),
    );
    expect(event.data).toMatchObject({ opensAt: '2025-04-20T08:00:00.000Z', announceAt: '2025-03-23T09:00:00.000Z' });
  });

  it('given no round, schedules one with the default criteria and the announcement 4 weeks ahead', () => {
    const [event] = roundDecider.decide(schedule(), roundDecider.initialState());
    expect(event.type).toBe('RoundScheduled');
    expect(event.data).toMatchObject({
      roundId: 'r1',
      opensAt: '2024-06-01T09:00:00.000Z',
      announceAt: '2024-05-04T09:00:00.000Z',
      maxAwardPence: null,
      criteria: DEFAULT_CRITERIA,
    });
  });

  it('weights sustainability highest by default', () => {
    const heaviest = [...DEFAULT_CRITERIA].sort((a, b) => b.weight - a.weight);
    expect(heaviest[0].key).toBe('sustainability');
    expect(heaviest[1].weight).toBeLessThan(heaviest[0].weight);
  });

  it('given a scheduled round, refuses to schedule it again', () => {
    const state = roundDecider.evolve(roundDecider.initialState(), roundDecider.decide(schedule(), roundDecider.initialState())[0]);
    expect(() => roundDecider.decide(schedule(), state)).toThrow(Conflict);
  });

  it('reports every broken rule at once', () => {
    try {
      roundDecider.decide(
        schedule({
          name: ' ',
          zones: ['atlantis', 'atlantis'],
          themes: [],
          closesAt: '2024-05-01T00:00:00Z',
          budgetPence: 0,
          maxAwardPence: 9_000_000,
          criteria: [
            { key: 'a', title: 'A', weight: 1 },
            { key: 'a', title: 'A again', weight: 2 },
          ],
        }),
        roundDecider.initialState(),
      );
      throw new Error('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidCommand);
      const text = (error as InvalidCommand).problems.join('\n');
      for (const fragment of ['name', 'unknown People Zone "atlantis"', 'repeat', 'themes', 'closesAt', 'budgetPence', 'maxAwardPence', 'criteria keys']) {
        expect(text).toContain(fragment);
      }
    }
  });

  it('requires the opening to fall inside the financial year', () => {
    expect(() => roundDecider.decide(schedule({ opensAt: '2025-04-01T00:00:00Z', closesAt: '2025-05-01T00:00:00Z' }), roundDecider.initialState())).toThrow(
      /financial year 2024-25/,
    );
    expect(() => roundDecider.decide(schedule({ opensAt: '2025-03-31T23:59:59Z', closesAt: '2025-05-01T00:00:00Z' }), roundDecider.initialState())).not.toThrow();
  });
});

describe('round decider: RescheduleRound', () => {
  it('before opening, moves the opening and recomputes the announcement from the alert lead', () => {
    given(scheduled())
      .when(reschedule({ opensAt: '2024-06-08T09:00:00Z' }))
      .then([
        {
          type: 'RoundRescheduled',
          data: { roundId: 'r1', opensAt: '2024-06-08T09:00:00.000Z', closesAt: CLOSES_AT, announceAt: '2024-05-11T09:00:00.000Z' },
        },
      ]);
  });

  it('before opening, recomputes the announcement with the alert lead given now (14 days)', () => {
    given(scheduled())
      .when(reschedule({ closesAt: '2024-07-06T17:00:00Z', alertLead: 'P14D' }))
      .then([
        {
          type: 'RoundRescheduled',
          data: { roundId: 'r1', opensAt: OPENS_AT, closesAt: '2024-07-06T17:00:00.000Z', announceAt: '2024-05-18T09:00:00.000Z' },
        },
      ]);
  });

  it('before opening, may bring the close earlier', () => {
    given(scheduled())
      .when(reschedule({ closesAt: '2024-06-20T17:00:00Z' }))
      .then([{ type: 'RoundRescheduled', data: { roundId: 'r1', opensAt: OPENS_AT, closesAt: '2024-06-20T17:00:00.000Z', announceAt: ANNOUNCE_AT } }]);
  });

  it('a no-change reschedule yields no events (times compared as instants, not spellings)', () => {
    given(scheduled()).when(reschedule({ opensAt: '2024-06-01T09:00:00Z', closesAt: '2024-06-29T18:00:00+01:00' })).then([]);
    given(scheduled()).when(reschedule({ opensAt: OPENS_AT, alertLead: 'P7D' })).then([]);
  });

  it('needs at least one of opensAt and closesAt', () => {
    given(scheduled()).when(reschedule()).thenInvalid('give opensAt, closesAt or both');
  });

  it('before opening, the new opening must be in the future (now itself is too late)', () => {
    given(scheduled()).when(reschedule({ opensAt: '2024-05-01T09:00:00Z' })).thenInvalid('opensAt must be in the future');
    given(scheduled()).when(reschedule({ opensAt: BEFORE_OPEN })).thenInvalid('opensAt must be in the future');
  });

  it('closesAt must stay after opensAt', () => {
    given(scheduled()).when(reschedule({ closesAt: OPENS_AT })).thenInvalid('closesAt must be after opensAt');
    given(scheduled()).when(reschedule({ opensAt: '2024-07-01T09:00:00Z' })).thenInvalid('closesAt must be after opensAt');
  });

  it('names a malformed time', () => {
    given(scheduled()).when(reschedule({ opensAt: 'next Tuesday' })).thenInvalid('opensAt must be an ISO 8601 date-time');
    given(scheduled()).when(reschedule({ closesAt: 'soon' })).thenInvalid('closesAt must be an ISO 8601 date-time');
  });

  it("keeps the opening inside the round's financial year (31 March 23:59:59 in, 1 April out)", () => {
    given(scheduled())
      .when(reschedule({ opensAt: '2025-04-01T00:00:00Z', closesAt: '2025-05-01T00:00:00Z' }))
      .thenInvalid('opensAt must fall within the financial year 2024-25');
    expect(roundDecider.decide(reschedule({ opensAt: '2025-03-31T23:59:59Z', closesAt: '2025-05-01T00:00:00Z' }), given(scheduled()).state)).toHaveLength(1);
  });

  it('while open, extends the close and keeps the announcement already made', () => {
    given(scheduled())
      .when(reschedule({ now: WHILE_OPEN, closesAt: '2024-07-06T17:00:00Z', alertLead: 'P7D' }))
      .then([{ type: 'RoundRescheduled', data: { roundId: 'r1', opensAt: OPENS_AT, closesAt: '2024-07-06T17:00:00.000Z', announceAt: ANNOUNCE_AT } }]);
  });

  it('while open (from exactly opensAt), the opening cannot change', () => {
    given(scheduled()).when(reschedule({ now: OPENS_AT, opensAt: '2024-06-03T09:00:00Z' })).thenInvalid('opensAt cannot change once the round is open');
  });

  it('while open, restating the same opening is fine', () => {
    expect(
      roundDecider.decide(reschedule({ now: WHILE_OPEN, opensAt: '2024-06-01T09:00:00Z', closesAt: '2024-07-06T17:00:00Z' }), given(scheduled()).state),
    ).toHaveLength(1);
  });

  it('while open, the close can only move forward, never earlier', () => {
    given(scheduled()).when(reschedule({ now: WHILE_OPEN, closesAt: '2024-06-20T17:00:00Z' })).thenInvalid('closesAt can only move later');
  });

  it('while open, the close must stay in the future (now itself is too late)', () => {
    given(scheduled(), rescheduled({ announceAt: ANNOUNCE_AT, opensAt: OPENS_AT, closesAt: '2024-06-09T17:00:00.000Z' }))
      .when(reschedule({ now: '2024-06-08T12:00:00.000Z', closesAt: '2024-06-08T12:00:00.000Z' }))
      .thenInvalid('closesAt must be in the future while the round is open', 'closesAt can only move later');
  });

  it('refuses once the round has closed (from exactly closesAt)', () => {
    given(scheduled()).when(reschedule({ now: CLOSES_AT, closesAt: '2024-07-30T17:00:00Z' })).thenThrows(Conflict, 'The round has closed');
  });

  it('refuses a cancelled round', () => {
    given(scheduled(), cancelled()).when(reschedule({ opensAt: '2024-06-08T09:00:00Z' })).thenThrows(Conflict, 'The round has been cancelled');
  });

  it('evolves: the new dates replace the old, everything else is kept', () => {
    const { state } = onCalendar(given(scheduled(), rescheduled({ announceAt: '2024-05-11T09:00:00.000Z', opensAt: '2024-06-08T09:00:00.000Z', closesAt: '2024-07-06T17:00:00.000Z' })));
    expect(state.round).toEqual({
      ...scheduled().data,
      announceAt: '2024-05-11T09:00:00.000Z',
      opensAt: '2024-06-08T09:00:00.000Z',
      closesAt: '2024-07-06T17:00:00.000Z',
    });
  });

  it('a second reschedule is judged against the dates as rescheduled', () => {
    given(scheduled(), rescheduled({ announceAt: '2024-05-11T09:00:00.000Z', opensAt: '2024-06-08T09:00:00.000Z', closesAt: CLOSES_AT }))
      .when(reschedule({ now: '2024-06-05T00:00:00.000Z', closesAt: '2024-07-01T00:00:00Z' }))
      .then([
        { type: 'RoundRescheduled', data: { roundId: 'r1', opensAt: '2024-06-08T09:00:00.000Z', closesAt: '2024-07-01T00:00:00.000Z', announceAt: '2024-05-11T09:00:00.000Z' } },
      ]);
  });
});

describe('round decider: CancelRound', () => {
  it('cancels a scheduled round with a trimmed reason', () => {
    given(scheduled())
      .when(cancel())
      .then([{ type: 'RoundCancelled', data: { roundId: 'r1', reason: 'Budget withdrawn', cancelledAt: BEFORE_OPEN } }]);
  });

  it('cancels an open round', () => {
    given(scheduled())
      .when(cancel({ now: WHILE_OPEN }))
      .then([{ type: 'RoundCancelled', data: { roundId: 'r1', reason: 'Budget withdrawn', cancelledAt: WHILE_OPEN } }]);
  });

  it('refuses once the round has closed (from exactly closesAt)', () => {
    given(scheduled()).when(cancel({ now: CLOSES_AT })).thenThrows(Conflict, 'The round has closed; it can no longer be cancelled');
  });

  it('refuses while funds are committed', () => {
    given(scheduled(), committed('a1', 1)).when(cancel({ now: WHILE_OPEN })).thenThrows(Conflict, 'The round has awards');
  });

  it('allows it again once every commitment has been released', () => {
    given(scheduled(), committed('a1', 100_000), released('a1', 100_000))
      .when(cancel({ now: WHILE_OPEN }))
      .then([{ type: 'RoundCancelled', data: { roundId: 'r1', reason: 'Budget withdrawn', cancelledAt: WHILE_OPEN } }]);
  });

  it('requires a reason', () => {
    given(scheduled()).when(cancel({ reason: '   ' })).thenInvalid('reason must not be empty');
  });

  it('cancelling twice is a no-op (whatever the second reason or time)', () => {
    given(scheduled(), cancelled()).when(cancel({ reason: 'Again', now: AFTER_CLOSE })).then([]);
  });

  it('evolves: the round is cancelled from then on', () => {
    const { state } = given(scheduled(), cancelled('2024-05-20T00:00:00.000Z'));
    expect(state.status).toBe('cancelled');
    const cancelledRound = state as CancelledRound;
    expect(cancelledRound.cancelledAt).toBe('2024-05-20T00:00:00.000Z');
    expect(roundStatusAt({ ...cancelledRound.round!, cancelledAt: cancelledRound.cancelledAt }, WHILE_OPEN)).toBe('cancelled');
  });
});
