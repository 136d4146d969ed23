import { Conflict, minusDuration, Problems } from '@pz/platform/domain';
import { Criterion, DEFAULT_CRITERIA, financialYearBounds, RoundKind, roundStatusAt } from './calendar';
import type { RoundEvent } from './events';
import type { ExistingRound, RoundState } from './state';

/** Staff put a round on the calendar, with its zones, themes, dates, budget and scoring criteria. */
export interface ScheduleRound {
  type: 'ScheduleRound';
  roundId: string;
  name: string;
  financialYear: string;
  kind: RoundKind;
  zones: string[];
  themes: string[];
  opensAt: string;
  closesAt: string;
  budgetPence: number;
  maxAwardPence?: number;
  criteria?: Criterion[];
  /** Zones that exist now (zones are data). */
  knownZones: readonly string[];
  /** How long before opening subscribers are alerted (ROUND_ALERT_LEAD, ISO 8601, in UK time). */
  alertLead: string;
  now: string;
}

/** Staff move a round's dates while it has not closed; its alerts move with it. */
export interface RescheduleRound {
  type: 'RescheduleRound';
  roundId: string;
  opensAt?: string;
  closesAt?: string;
  alertLead: string;
  now: string;
}

/** Staff cancel a round that has not closed and has no awards. */
export interface CancelRound {
  type: 'CancelRound';
  roundId: string;
  reason: string;
  now: string;
}

export function scheduleRound(c: ScheduleRound, state: RoundState): RoundEvent[] {
  if (state.status !== 'none') throw new Conflict(`Round ${c.roundId} already exists`);
  const opens = Date.parse(c.opensAt);
  const closes = Date.parse(c.closesAt);
  const criteria = c.criteria && c.criteria.length > 0 ? c.criteria : [...DEFAULT_CRITERIA];
  const fy = financialYearBounds(c.financialYear);
  const problems = new Problems()
    .check(c.name.trim().length > 0, 'name must not be empty')
    .check(fy !== null, 'financialYear must be a UK financial year such as 2024-25');
  checkDates(problems, opens, closes, fy, c.financialYear);
  problems
    .check(c.zones.length > 0, 'zones must name at least one People Zone')
    .check(new Set(c.zones).size === c.zones.length, 'zones must not repeat a zone')
    .check(c.themes.length > 0, 'themes must name at least one theme')
    .check(Number.isSafeInteger(c.budgetPence) && c.budgetPence > 0, 'budgetPence must be a positive whole number of pence')
    .check(
      c.maxAwardPence === undefined || (c.maxAwardPence > 0 && c.maxAwardPence <= c.budgetPence),
      'maxAwardPence must be positive and no more than budgetPence',
    )
    .check(new Set(criteria.map((k) => k.key)).size === criteria.length, 'criteria keys must be unique');
  for (const zone of c.zones) {
    problems.check(c.knownZones.includes(zone), `zones: unknown People Zone "${zone}"`);
  }
  problems.throwIfAny();

  return [
    {
      type: 'RoundScheduled',
      data: {
        roundId: c.roundId,
        name: c.name.trim(),
        financialYear: c.financialYear,
        kind: c.kind,
        zones: [...c.zones],
        themes: [...c.themes],
        announceAt: minusDuration(new Date(opens).toISOString(), c.alertLead),
        opensAt: new Date(opens).toISOString(),
        closesAt: new Date(closes).toISOString(),
        budgetPence: c.budgetPence,
        maxAwardPence: c.maxAwardPence ?? null,
        criteria: criteria.map((k) => ({ key: k.key, title: k.title, weight: k.weight })),
      },
    },
  ];
}

function checkDates(
  problems: Problems,
  opens: number,
  closes: number,
  fy: { start: number; end: number } | null,
  financialYear: string,
): void {
  problems
    .check(!Number.isNaN(opens), 'opensAt must be an ISO 8601 date-time')
    .check(!Number.isNaN(closes), 'closesAt must be an ISO 8601 date-time')
    .check(Number.isNaN(opens) || Number.isNaN(closes) || closes > opens, 'closesAt must be after opensAt')
    .check(
      fy === null || Number.isNaN(opens) || (opens >= fy.start && opens < fy.end),
      `opensAt must fall within the financial year ${financialYear} (1 April to 31 March)`,
    );
}

export function rescheduleRound(c: RescheduleRound, state: ExistingRound): RoundEvent[] {
  const round = state.round;
  const status = roundStatusAt({ ...round, cancelledAt: state.status === 'cancelled' ? state.cancelledAt : null }, c.now);
  if (status === 'cancelled') throw new Conflict('The round has been cancelled');
  if (status === 'closed') throw new Conflict('The round has closed; it can no longer be rescheduled');
  const opensAt = c.opensAt ?? round.opensAt;
  const closesAt = c.closesAt ?? round.closesAt;
  const opens = Date.parse(opensAt);
  const closes = Date.parse(closesAt);
  const now = Date.parse(c.now);
  const problems = new Problems().check(c.opensAt !== undefined || c.closesAt !== undefined, 'give opensAt, closesAt or both');
  checkDates(problems, opens, closes, financialYearBounds(round.financialYear), round.financialYear);
  if (status === 'open') {
    // Applicants are already working to these dates: the opening cannot move, the close only forward.
    problems
      .check(c.opensAt === undefined || opens === Date.parse(round.opensAt), 'opensAt cannot change once the round is open')
      .check(closes > now, 'closesAt must be in the future while the round is open')
      .check(Number.isNaN(closes) || closes >= Date.parse(round.closesAt), 'closesAt can only move later once the round is open');
  } else {
    problems.check(Number.isNaN(opens) || opens > now, 'opensAt must be in the future');
  }
  problems.throwIfAny();
  const next = {
    opensAt: new Date(opens).toISOString(),
    closesAt: new Date(closes).toISOString(),
    announceAt: status === 'open' ? round.announceAt : minusDuration(new Date(opens).toISOString(), c.alertLead),
  };
  if (next.opensAt === round.opensAt && next.closesAt === round.closesAt) return [];
  return [{ type: 'RoundRescheduled', data: { roundId: round.roundId, ...next } }];
}

export function cancelRound(c: CancelRound, state: ExistingRound): RoundEvent[] {
  if (state.status === 'cancelled') return [];
  const status = roundStatusAt(state.round, c.now);
  if (status === 'closed') throw new Conflict('The round has closed; it can no longer be cancelled');
  if (state.committedPence > 0) throw new Conflict('The round has awards; it cannot be cancelled');
  new Problems().check(c.reason.trim().length > 0, 'reason must not be empty').throwIfAny();
  return [{ type: 'RoundCancelled', data: { roundId: state.round.roundId, reason: c.reason.trim(), cancelledAt: c.now } }];
}
