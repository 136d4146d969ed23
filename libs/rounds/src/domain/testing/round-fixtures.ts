/**
 * Fixtures shared by the round stream's decider specs (scheduling, panel, budget, routing).
 * Test-only: under `testing/`, left out of the build; plain values and builders, no I/O, no clock.
 */
import { givenDecider } from '@pz/platform/domain/testing';
import type { CommitRoundFunds, ReleaseRoundFunds } from '../budget';
import { DEFAULT_CRITERIA } from '../calendar';
import type { RoundEvent, RoundRescheduledData, RoundScheduledData } from '../events';
import type { SetRoundPanel } from '../panel';
import { roundDecider } from '../round';
import type { CancelRound, RescheduleRound, ScheduleRound } from '../scheduling';
import type { OnCalendar, RoundState } from '../state';

export const DAY = 24 * 3600 * 1000;

export function schedule(overrides: Partial<ScheduleRound> = {}): ScheduleRound {
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
    alertLead: 'P28D',
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------
// Given events, when command, then events or error.
// The round below opens 1 June 2024 09:00 and closes 29 June 2024 17:00 (UTC), financial year 2024-25.
// ---------------------------------------------------------------------------------------------
export const OPENS_AT = '2024-06-01T09:00:00.000Z';
export const CLOSES_AT = '2024-06-29T17:00:00.000Z';
export const ANNOUNCE_AT = '2024-05-04T09:00:00.000Z';
export const BEFORE_OPEN = '2024-05-10T12:00:00.000Z';
export const WHILE_OPEN = '2024-06-10T12:00:00.000Z';
export const AFTER_CLOSE = '2024-07-15T10:30:00.000Z';
export const LEAD = 'P28D';

export const scheduled = (overrides: Partial<RoundScheduledData> = {}): RoundEvent => ({
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
export const rescheduled = (data: Omit<RoundRescheduledData, 'roundId'>): RoundEvent => ({ type: 'RoundRescheduled', data: { roundId: 'r1', ...data } });
export const cancelled = (cancelledAt = BEFORE_OPEN): RoundEvent => ({ type: 'RoundCancelled', data: { roundId: 'r1', reason: 'Budget withdrawn', cancelledAt } });
export const panelSet = (members: string[]): RoundEvent => ({ type: 'RoundPanelSet', data: { roundId: 'r1', members } });
export const committed = (applicationId: string, amountPence: number): RoundEvent => ({
  type: 'RoundFundsCommitted',
  data: { roundId: 'r1', applicationId, amountPence },
});
export const released = (applicationId: string, amountPence: number): RoundEvent => ({
  type: 'RoundFundsReleased',
  data: { roundId: 'r1', applicationId, amountPence, reason: 'application declined' },
});

export const reschedule = (o: Partial<RescheduleRound> = {}): RescheduleRound => ({ type: 'RescheduleRound', roundId: 'r1', now: BEFORE_OPEN, alertLead: LEAD, ...o });
export const cancel = (o: Partial<CancelRound> = {}): CancelRound => ({ type: 'CancelRound', roundId: 'r1', now: BEFORE_OPEN, reason: '  Budget withdrawn  ', ...o });
export const setPanel = (members: string[], o: Partial<SetRoundPanel> = {}): SetRoundPanel => ({ type: 'SetRoundPanel', roundId: 'r1', now: BEFORE_OPEN, members, ...o });
export const commit = (applicationId: string, amountPence: number, o: Partial<CommitRoundFunds> = {}): CommitRoundFunds => ({
  type: 'CommitRoundFunds',
  roundId: 'r1',
  now: AFTER_CLOSE,
  applicationId,
  amountPence,
  ...o,
});
export const release = (applicationId: string, o: Partial<ReleaseRoundFunds> = {}): ReleaseRoundFunds => ({
  type: 'ReleaseRoundFunds',
  roundId: 'r1',
  now: AFTER_CLOSE,
  applicationId,
  reason: 'application declined',
  ...o,
});

export const given = givenDecider(roundDecider);
/** A round still on the calendar (checked), typed as one. */
export function onCalendar<G extends { state: RoundState }>(given: G): G & { state: OnCalendar } {
  expect(given.state.status).toBe('on-calendar');
  return given as G & { state: OnCalendar };
}
