import { Conflict, InvalidCommand, NotFound } from '@pz/platform/domain';
import { givenDecider } from '@pz/platform/domain/testing';
import {
  CancelRound,
  CommitRoundFunds,
  DEFAULT_CRITERIA,
  financialYearBounds,
  financialYearOf,
  ReleaseRoundFunds,
  RescheduleRound,
  RoundCommand,
  roundDecider,
  RoundEvent,
  RoundRescheduledData,
  RoundScheduledData,
  roundStatusAt,
  ScheduleRound,
  SetRoundPanel,
  type CancelledRound,
  type OnCalendar,
  type RoundState,
} from '.';

const DAY = 24 * 3600 * 1000;

function schedule(overrides: Partial<ScheduleRound> = {}): ScheduleRound {
  return {
    type: 'ScheduleRound',
    roundId: 'r1',
    now: '2024-01-10T00:00:00.000Z',
    name: 'Round 1',
    financialYear: '2024-25',
    kind: 'standard',
    zones: ['bell-foundry'],
    themes: ['Pride of Place'],
    opensAt: '2024-06-01T09:00:00Z',
    closesAt: '2024-06-29T17:00:00Z',
    budgetPence: 4_000_000,
    knownZones: ['bell-foundry', 'new-parks'],
    alertLeadMs: 28 * DAY,
    ...overrides,
  };
}

describe('round decider: ScheduleRound', () => {
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

describe('financialYearBounds', () => {
  it('reads UK financial years and rejects malformed ones', () => {
    expect(financialYearBounds('2024-25')).toEqual({ start: Date.UTC(2024, 3, 1), end: Date.UTC(2025, 3, 1) });
    expect(financialYearBounds('1999-00')).toEqual({ start: Date.UTC(1999, 3, 1), end: Date.UTC(2000, 3, 1) });
    expect(financialYearBounds('2024-26')).toBeNull();
    expect(financialYearBounds('2024')).toBeNull();
  });
});

describe('financialYearOf', () => {
  it('names the year from 1 April to 31 March, in UTC, and agrees with financialYearBounds', () => {
    expect(financialYearOf(Date.UTC(2026, 10, 22))).toBe('2026-27');
    expect(financialYearOf(new Date('2027-03-31T23:59:59.999Z'))).toBe('2026-27');
    expect(financialYearOf(new Date('2027-04-01T00:00:00.000Z'))).toBe('2027-28');
    expect(financialYearOf(Date.UTC(1999, 5, 1))).toBe('1999-00');
    expect(financialYearBounds(financialYearOf(Date.UTC(2024, 3, 1)))!.start).toBe(Date.UTC(2024, 3, 1));
  });
});

describe('roundStatusAt', () => {
  const round = { opensAt: '2024-06-01T09:00:00.000Z', closesAt: '2024-06-29T17:00:00.000Z' };
  it('follows the clock exactly: open from opensAt, closed from closesAt', () => {
    expect(roundStatusAt(round, '2024-06-01T08:59:59.999Z')).toBe('scheduled');
    expect(roundStatusAt(round, '2024-06-01T09:00:00.000Z')).toBe('open');
    expect(roundStatusAt(round, '2024-06-29T16:59:59.999Z')).toBe('open');
    expect(roundStatusAt(round, '2024-06-29T17:00:00.000Z')).toBe('closed');
    expect(roundStatusAt({ ...round, cancelledAt: '2024-05-01T00:00:00Z' }, '2024-06-10T00:00:00Z')).toBe('cancelled');
  });
});

// ---------------------------------------------------------------------------------------------
// Given events, when command, then events or error.
// The round below opens 1 June 2024 09:00 and closes 29 June 2024 17:00 (UTC), financial year 2024-25.
// ---------------------------------------------------------------------------------------------
const OPENS_AT = '2024-06-01T09:00:00.000Z';
const CLOSES_AT = '2024-06-29T17:00:00.000Z';
const ANNOUNCE_AT = '2024-05-04T09:00:00.000Z';
const BEFORE_OPEN = '2024-05-10T12:00:00.000Z';
const WHILE_OPEN = '2024-06-10T12:00:00.000Z';
const AFTER_CLOSE = '2024-07-15T10:30:00.000Z';
const LEAD = 28 * DAY;

const scheduled = (overrides: Partial<RoundScheduledData> = {}): RoundEvent => ({
  type: 'RoundScheduled',
  data: {
    roundId: 'r1',
    name: 'Round 1',
    financialYear: '2024-25',
    kind: 'standard',
    zones: ['bell-foundry'],
    themes: ['Pride of Place'],
    announceAt: ANNOUNCE_AT,
    opensAt: OPENS_AT,
    closesAt: CLOSES_AT,
    budgetPence: 4_000_000,
    maxAwardPence: null,
    criteria: [...DEFAULT_CRITERIA],
    ...overrides,
  },
});
const rescheduled = (data: Omit<RoundRescheduledData, 'roundId'>): RoundEvent => ({ type: 'RoundRescheduled', data: { roundId: 'r1', ...data } });
const cancelled = (cancelledAt = BEFORE_OPEN): RoundEvent => ({ type: 'RoundCancelled', data: { roundId: 'r1', reason: 'Budget withdrawn', cancelledAt } });
const panelSet = (members: string[]): RoundEvent => ({ type: 'RoundPanelSet', data: { roundId: 'r1', members } });
const committed = (applicationId: string, amountPence: number): RoundEvent => ({
  type: 'RoundFundsCommitted',
  data: { roundId: 'r1', applicationId, amountPence },
});
const released = (applicationId: string, amountPence: number): RoundEvent => ({
  type: 'RoundFundsReleased',
  data: { roundId: 'r1', applicationId, amountPence, reason: 'application declined' },
});

const reschedule = (o: Partial<RescheduleRound> = {}): RescheduleRound => ({ type: 'RescheduleRound', roundId: 'r1', now: BEFORE_OPEN, alertLeadMs: LEAD, ...o });
const cancel = (o: Partial<CancelRound> = {}): CancelRound => ({ type: 'CancelRound', roundId: 'r1', now: BEFORE_OPEN, reason: '  Budget withdrawn  ', ...o });
const setPanel = (members: string[], o: Partial<SetRoundPanel> = {}): SetRoundPanel => ({ type: 'SetRoundPanel', roundId: 'r1', now: BEFORE_OPEN, members, ...o });
const commit = (applicationId: string, amountPence: number, o: Partial<CommitRoundFunds> = {}): CommitRoundFunds => ({
  type: 'CommitRoundFunds',
  roundId: 'r1',
  now: AFTER_CLOSE,
  applicationId,
  amountPence,
  ...o,
});
const release = (applicationId: string, o: Partial<ReleaseRoundFunds> = {}): ReleaseRoundFunds => ({
  type: 'ReleaseRoundFunds',
  roundId: 'r1',
  now: AFTER_CLOSE,
  applicationId,
  reason: 'application declined',
  ...o,
});

const given = givenDecider(roundDecider);
/** A round still on the calendar (checked), typed as one. */
function onCalendar<G extends { state: RoundState }>(given: G): G & { state: OnCalendar } {
  expect(given.state.status).toBe('on-calendar');
  return given as G & { state: OnCalendar };
}

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
      .when(reschedule({ closesAt: '2024-07-06T17:00:00Z', alertLeadMs: 14 * DAY }))
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
    given(scheduled()).when(reschedule({ opensAt: OPENS_AT, alertLeadMs: 7 * DAY })).then([]);
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
      .when(reschedule({ now: WHILE_OPEN, closesAt: '2024-07-06T17:00:00Z', alertLeadMs: 7 * DAY }))
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

describe('round decider: SetRoundPanel', () => {
  it('sets the panel, ids trimmed', () => {
    given(scheduled())
      .when(setPanel([' p1', 'p2 ']))
      .then([{ type: 'RoundPanelSet', data: { roundId: 'r1', members: ['p1', 'p2'] } }]);
  });

  it('refuses an empty id', () => {
    given(scheduled()).when(setPanel(['p1', ''])).thenInvalid('members must not contain empty ids');
    given(scheduled()).when(setPanel(['p1', '   '])).thenInvalid('members must not contain empty ids');
  });

  it('refuses a repeated id (also after trimming)', () => {
    given(scheduled()).when(setPanel(['p1', 'p2', 'p1'])).thenInvalid('members must not repeat a member');
    given(scheduled()).when(setPanel(['p1', ' p1'])).thenInvalid('members must not repeat a member');
  });

  it('reports both at once', () => {
    given(scheduled()).when(setPanel(['', 'p1', 'p1'])).thenInvalid('empty ids', 'repeat');
  });

  it('the same set again, in any order, is a no-op', () => {
    given(scheduled(), panelSet(['p1', 'p2'])).when(setPanel(['p2', 'p1'])).then([]);
  });

  it('a different set replaces the panel', () => {
    given(scheduled(), panelSet(['p1', 'p2'])).when(setPanel(['p1'])).then([{ type: 'RoundPanelSet', data: { roundId: 'r1', members: ['p1'] } }]);
    given(scheduled(), panelSet(['p1', 'p2']))
      .when(setPanel(['p1', 'p3']))
      .then([{ type: 'RoundPanelSet', data: { roundId: 'r1', members: ['p1', 'p3'] } }]);
  });

  it('refuses a cancelled round', () => {
    given(scheduled(), cancelled()).when(setPanel(['p1'])).thenThrows(Conflict, 'The round has been cancelled');
  });

  it('evolves: the latest panel replaces the previous one', () => {
    expect(onCalendar(given(scheduled(), panelSet(['p1', 'p2']), panelSet(['p3']))).state.panel).toEqual(['p3']);
  });
});

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
