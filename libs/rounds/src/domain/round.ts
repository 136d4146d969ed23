import { Conflict, Decider, DomainEvent, InvalidCommand, NotFound, Problems } from '@pz/platform/domain';

export type RoundKind = 'standard' | 'collaborative';
export type RoundStatus = 'scheduled' | 'open' | 'closed' | 'cancelled';

export interface Criterion {
  key: string;
  title: string;
  weight: number;
}

/** The funder asked for sustainability to carry the highest weighting (2024 evaluation). */
export const DEFAULT_CRITERIA: readonly Criterion[] = [
  { key: 'need', title: 'Evidence of local need', weight: 2 },
  { key: 'outcomes', title: 'Clear outcomes for the People Zone', weight: 2 },
  { key: 'deliverability', title: 'Deliverability', weight: 2 },
  { key: 'value-for-money', title: 'Value for money', weight: 1 },
  { key: 'sustainability', title: 'Sustainability beyond the grant', weight: 3 },
];

export interface RoundScheduledData {
  roundId: string;
  name: string;
  financialYear: string;
  kind: RoundKind;
  zones: string[];
  themes: string[];
  announceAt: string;
  opensAt: string;
  closesAt: string;
  budgetPence: number;
  maxAwardPence: number | null;
  criteria: Criterion[];
}

export interface RoundRescheduledData {
  roundId: string;
  announceAt: string;
  opensAt: string;
  closesAt: string;
}

export type RoundEvent =
  | DomainEvent<'RoundScheduled', RoundScheduledData>
  | DomainEvent<'RoundRescheduled', RoundRescheduledData>
  | DomainEvent<'RoundCancelled', { roundId: string; reason: string; cancelledAt: string }>
  | DomainEvent<'RoundPanelSet', { roundId: string; members: string[] }>
  | DomainEvent<'RoundFundsCommitted', { roundId: string; applicationId: string; amountPence: number }>
  | DomainEvent<'RoundFundsReleased', { roundId: string; applicationId: string; amountPence: number; reason: string }>;

interface RoundCommandBase {
  roundId: string;
  /** The decision's "now" (ISO 8601). */
  now: string;
}

export interface ScheduleRound extends RoundCommandBase {
  type: 'ScheduleRound';
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
  /** How long before opening subscribers are alerted (ROUND_ALERT_LEAD), in ms. */
  alertLeadMs: number;
}

export interface RescheduleRound extends RoundCommandBase {
  type: 'RescheduleRound';
  opensAt?: string;
  closesAt?: string;
  alertLeadMs: number;
}

export interface CancelRound extends RoundCommandBase {
  type: 'CancelRound';
  reason: string;
}

export interface SetRoundPanel extends RoundCommandBase {
  type: 'SetRoundPanel';
  members: string[];
}

/** Reserves part of the budget for one application's award; the round is the budget's guard. */
export interface CommitRoundFunds extends RoundCommandBase {
  type: 'CommitRoundFunds';
  applicationId: string;
  amountPence: number;
}

export interface ReleaseRoundFunds extends RoundCommandBase {
  type: 'ReleaseRoundFunds';
  applicationId: string;
  reason: string;
}

export type RoundCommand =
  | ScheduleRound
  | RescheduleRound
  | CancelRound
  | SetRoundPanel
  | CommitRoundFunds
  | ReleaseRoundFunds;

export interface RoundState {
  round: RoundScheduledData | null;
  cancelledAt: string | null;
  panel: string[];
  /** applicationId -> committed pence */
  commitments: Record<string, number>;
  committedPence: number;
}

export const roundDecider: Decider<RoundCommand, RoundState, RoundEvent> = {
  initialState: () => ({ round: null, cancelledAt: null, panel: [], commitments: {}, committedPence: 0 }),

  decide(command, state) {
    if (command.type === 'ScheduleRound') return scheduleRound(command, state);
    const round = state.round;
    if (!round) throw new NotFound(`Round ${command.roundId} not found`);
    switch (command.type) {
      case 'RescheduleRound':
        return rescheduleRound(command, state, round);
      case 'CancelRound':
        return cancelRound(command, state, round);
      case 'SetRoundPanel':
        return setPanel(command, state);
      case 'CommitRoundFunds':
        return commitFunds(command, state, round);
      case 'ReleaseRoundFunds':
        return releaseFunds(command, state);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'RoundScheduled':
        return { ...state, round: event.data };
      case 'RoundRescheduled':
        return state.round ? { ...state, round: { ...state.round, ...event.data } } : state;
      case 'RoundCancelled':
        return { ...state, cancelledAt: event.data.cancelledAt };
      case 'RoundPanelSet':
        return { ...state, panel: event.data.members };
      case 'RoundFundsCommitted':
        return {
          ...state,
          commitments: { ...state.commitments, [event.data.applicationId]: event.data.amountPence },
          committedPence: state.committedPence + event.data.amountPence,
        };
      case 'RoundFundsReleased': {
        const { [event.data.applicationId]: released, ...rest } = state.commitments;
        return { ...state, commitments: rest, committedPence: state.committedPence - (released ?? 0) };
      }
    }
  },
};

function scheduleRound(c: ScheduleRound, state: RoundState): RoundEvent[] {
  if (state.round) throw new Conflict(`Round ${c.roundId} already exists`);
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
        announceAt: new Date(opens - c.alertLeadMs).toISOString(),
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

function rescheduleRound(c: RescheduleRound, state: RoundState, round: RoundScheduledData): RoundEvent[] {
  const status = roundStatusAt({ ...round, cancelledAt: state.cancelledAt }, c.now);
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
    announceAt: status === 'open' ? round.announceAt : new Date(opens - c.alertLeadMs).toISOString(),
  };
  if (next.opensAt === round.opensAt && next.closesAt === round.closesAt) return [];
  return [{ type: 'RoundRescheduled', data: { roundId: round.roundId, ...next } }];
}

function cancelRound(c: CancelRound, state: RoundState, round: RoundScheduledData): RoundEvent[] {
  if (state.cancelledAt) return [];
  const status = roundStatusAt(round, c.now);
  if (status === 'closed') throw new Conflict('The round has closed; it can no longer be cancelled');
  if (state.committedPence > 0) throw new Conflict('The round has awards; it cannot be cancelled');
  new Problems().check(c.reason.trim().length > 0, 'reason must not be empty').throwIfAny();
  return [{ type: 'RoundCancelled', data: { roundId: round.roundId, reason: c.reason.trim(), cancelledAt: c.now } }];
}

function setPanel(c: SetRoundPanel, state: RoundState): RoundEvent[] {
  if (state.cancelledAt) throw new Conflict('The round has been cancelled');
  const members = c.members.map((m) => m.trim());
  new Problems()
    .check(members.every((m) => m.length > 0), 'members must not contain empty ids')
    .check(new Set(members).size === members.length, 'members must not repeat a member')
    .throwIfAny();
  const same = members.length === state.panel.length && members.every((m) => state.panel.includes(m));
  return same ? [] : [{ type: 'RoundPanelSet', data: { roundId: c.roundId, members } }];
}

function commitFunds(c: CommitRoundFunds, state: RoundState, round: RoundScheduledData): RoundEvent[] {
  if (state.cancelledAt) throw new Conflict('The round has been cancelled');
  if (!Number.isSafeInteger(c.amountPence) || c.amountPence <= 0) {
    throw new InvalidCommand(['amountPence must be a positive whole number of pence']);
  }
  const existing = state.commitments[c.applicationId];
  if (existing !== undefined) {
    // A retried award finds its own reservation: nothing more to do.
    if (existing === c.amountPence) return [];
    throw new Conflict('This application already has funds committed for a different amount');
  }
  const remaining = round.budgetPence - state.committedPence;
  if (c.amountPence > remaining) {
    throw new Conflict(
      `Over budget: the round has ${remaining} pence left of ${round.budgetPence}; this award needs ${c.amountPence}`,
    );
  }
  return [{ type: 'RoundFundsCommitted', data: { roundId: round.roundId, applicationId: c.applicationId, amountPence: c.amountPence } }];
}

function releaseFunds(c: ReleaseRoundFunds, state: RoundState): RoundEvent[] {
  const amount = state.commitments[c.applicationId];
  if (amount === undefined) return [];
  return [{ type: 'RoundFundsReleased', data: { roundId: c.roundId, applicationId: c.applicationId, amountPence: amount, reason: c.reason } }];
}

/** The UK financial year a moment falls in (1 April to 31 March, UTC): 2026-11-22 -> `2026-27`. */
export function financialYearOf(at: number | Date): string {
  const moment = new Date(at);
  const first = moment.getUTCMonth() >= 3 ? moment.getUTCFullYear() : moment.getUTCFullYear() - 1;
  return `${first}-${String((first + 1) % 100).padStart(2, '0')}`;
}

/** `2024-25` -> [1 April 2024, 1 April 2025) in UTC; null when malformed. */
export function financialYearBounds(fy: string): { start: number; end: number } | null {
  const match = /^(\d{4})-(\d{2})$/.exec(fy);
  if (!match) return null;
  const first = Number(match[1]);
  if ((first + 1) % 100 !== Number(match[2])) return null;
  return { start: Date.UTC(first, 3, 1), end: Date.UTC(first + 1, 3, 1) };
}

/** A round is open from `opensAt` (inclusive) until `closesAt` (exclusive). */
export function roundStatusAt(
  round: { opensAt: string; closesAt: string; cancelledAt?: string | null },
  now: string,
): RoundStatus {
  if (round.cancelledAt) return 'cancelled';
  const t = Date.parse(now);
  if (t < Date.parse(round.opensAt)) return 'scheduled';
  if (t < Date.parse(round.closesAt)) return 'open';
  return 'closed';
}

export const roundStreamId = (roundId: string) => `round-${roundId}`;
