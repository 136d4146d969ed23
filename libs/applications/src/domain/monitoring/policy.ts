import { DateTime, Duration } from 'luxon';
import { endOfUkDay, plusDuration, SERVICE_ZONE } from '@pz/platform/domain';

/**
 * Post-award monitoring, as the funder redesigned it after listening to grantees: a first-month
 * check-in, plain-language quarterly returns, and a case study that closes the grant. The
 * schedule is fixed when the grant is awarded (and recorded as an event), so a later policy
 * change never moves obligations a grantee already agreed to.
 */
export type MonitoringKind = 'check-in' | 'return' | 'case-study';
export type RagRating = 'green' | 'amber' | 'red';

export interface DueItem {
  key: string;
  kind: MonitoringKind;
  dueAt: string;
}

export interface MonitoringPolicy {
  firstCheckinAfter: string;
  monitoringInterval: string;
}

export interface RagPolicy {
  amberAfter: string;
  redAfter: string;
}

/** Enough for five years of quarterly returns; also bounds a schedule built from shrunk test durations. */
export const MAX_RETURNS = 20;

export const ITEM_LABELS: Record<MonitoringKind, string> = {
  'check-in': 'first-month check-in',
  return: 'quarterly monitoring return',
  'case-study': 'end-of-project case study',
};

/**
 * The grant's monitoring, fixed at the award: a check-in FIRST_CHECKIN_AFTER after it, a return
 * every MONITORING_INTERVAL while the project runs, and the case study at the end of the project's
 * last day. Calendar-aware in UK time. Nothing falls due before the check-in: a project that
 * ended early has its case study due with the check-in, never on the day of the award.
 */
export function monitoringSchedule(awardedAt: string, projectEnd: string, policy: MonitoringPolicy): DueItem[] {
  const start = DateTime.fromISO(awardedAt, { zone: SERVICE_ZONE });
  const end = DateTime.fromISO(endOfUkDay(projectEnd), { zone: SERVICE_ZONE });
  const interval = Duration.fromISO(policy.monitoringInterval);
  const checkIn = start.plus(Duration.fromISO(policy.firstCheckinAfter));
  const items: DueItem[] = [{ key: 'check-in', kind: 'check-in', dueAt: checkIn.toUTC().toISO()! }];
  for (let k = 1; k <= MAX_RETURNS; k++) {
    // Multiply the duration, not add it k times, so month arithmetic does not drift (31 Jan + 1 month...).
    const due = start.plus(interval.mapUnits((x) => x * k));
    if (due >= end) break;
    if (due < checkIn) continue;
    items.push({ key: `return-${k}`, kind: 'return', dueAt: due.toUTC().toISO()! });
  }
  // The latest item, not the last pushed: a check-in can fall after the first return (FIRST_CHECKIN_AFTER > MONITORING_INTERVAL).
  const lastDue = DateTime.max(...items.map((i) => DateTime.fromISO(i.dueAt)))!;
  items.push({ key: 'case-study', kind: 'case-study', dueAt: (end > lastDue ? end : lastDue).toUTC().toISO()! });
  return items;
}

export interface RagInputs {
  schedule: readonly DueItem[];
  filed: readonly string[];
  /** onTrack of the most recent monitoring return, if any. */
  latestReturnOnTrack: boolean | null;
}

export interface RagVerdict {
  rating: RagRating;
  reason: string;
}

/**
 * The RAG policy (domain.md): Green while returns are on time; Amber when a due item is more than
 * RAG_AMBER_AFTER overdue or the latest return says the project is not on track; Red when one is
 * more than RAG_RED_AFTER overdue or two items are missed (each more than RAG_AMBER_AFTER overdue).
 */
export function ragVerdict(inputs: RagInputs, now: string, policy: RagPolicy): RagVerdict {
  const t = Date.parse(now);
  const overdue = inputs.schedule
    .filter((i) => !inputs.filed.includes(i.key))
    .map((i) => ({ item: i, late: t - Date.parse(i.dueAt), ...ragCheckpoints(i, policy) }))
    .filter((o) => o.late > 0)
    .sort((a, b) => b.late - a.late);
  // Past a threshold: the first instant after the due time plus the duration, in UK time.
  const missed = overdue.filter((o) => t >= Date.parse(o.amberAt));
  const worst = overdue[0];

  if (worst && t >= Date.parse(worst.redAt)) {
    return { rating: 'red', reason: `The ${ITEM_LABELS[worst.item.kind]} due ${day(worst.item.dueAt)} is more than ${human(policy.redAfter)} overdue` };
  }
  if (missed.length >= 2) {
    return {
      rating: 'red',
      reason: `${missed.length} monitoring items are overdue: ${missed.map((m) => `${ITEM_LABELS[m.item.kind]} due ${day(m.item.dueAt)}`).join(', ')}`,
    };
  }
  if (missed.length === 1) {
    return { rating: 'amber', reason: `The ${ITEM_LABELS[missed[0].item.kind]} due ${day(missed[0].item.dueAt)} is more than ${human(policy.amberAfter)} overdue` };
  }
  if (inputs.latestReturnOnTrack === false) {
    return { rating: 'amber', reason: 'The latest monitoring return says the project is not on track: an offer of support is due' };
  }
  return { rating: 'green', reason: 'Monitoring is up to date' };
}

/** The moments at which the verdict for an item can change: just past Amber's and Red's thresholds, in UK time. */
export function ragCheckpoints(item: DueItem, policy: RagPolicy): { amberAt: string; redAt: string } {
  const justPast = (iso: string) => new Date(Date.parse(iso) + 1).toISOString();
  return {
    amberAt: justPast(plusDuration(item.dueAt, policy.amberAfter)),
    redAt: justPast(plusDuration(item.dueAt, policy.redAfter)),
  };
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function human(duration: string): string {
  return Duration.fromISO(duration).toHuman({ listStyle: 'long' });
}
