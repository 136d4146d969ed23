import { DateTime, Duration } from 'luxon';

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

export function monitoringSchedule(awardedAt: string, projectEnd: string, policy: MonitoringPolicy): DueItem[] {
  const start = DateTime.fromISO(awardedAt, { zone: 'utc' });
  const end = DateTime.fromISO(`${projectEnd}T23:59:59.999`, { zone: 'utc' });
  const interval = Duration.fromISO(policy.monitoringInterval);
  const items: DueItem[] = [
    { key: 'check-in', kind: 'check-in', dueAt: start.plus(Duration.fromISO(policy.firstCheckinAfter)).toISO()! },
  ];
  for (let k = 1; k <= MAX_RETURNS; k++) {
    // Multiply the duration, not add it k times, so month arithmetic does not drift (31 Jan + 1 month...).
    const due = start.plus(interval.mapUnits((x) => x * k));
    if (due >= end) break;
    items.push({ key: `return-${k}`, kind: 'return', dueAt: due.toISO()! });
  }
  // The latest item, not the last pushed: a check-in can fall after the first return (FIRST_CHECKIN_AFTER > MONITORING_INTERVAL).
  const lastDue = DateTime.max(...items.map((i) => DateTime.fromISO(i.dueAt, { zone: 'utc' })))!;
  items.push({ key: 'case-study', kind: 'case-study', dueAt: (end > lastDue ? end : lastDue).toISO()! });
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
  const amberMs = Duration.fromISO(policy.amberAfter).toMillis();
  const redMs = Duration.fromISO(policy.redAfter).toMillis();
  const overdue = inputs.schedule
    .filter((i) => !inputs.filed.includes(i.key))
    .map((i) => ({ item: i, late: t - Date.parse(i.dueAt) }))
    .filter((o) => o.late > 0)
    .sort((a, b) => b.late - a.late);
  const missed = overdue.filter((o) => o.late > amberMs);
  const worst = overdue[0];

  if (worst && worst.late > redMs) {
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

/** The moments at which the verdict for an item can change: when Amber and Red thresholds pass. */
export function ragCheckpoints(item: DueItem, policy: RagPolicy): { amberAt: string; redAt: string } {
  const due = Date.parse(item.dueAt);
  return {
    amberAt: new Date(due + Duration.fromISO(policy.amberAfter).toMillis() + 1).toISOString(),
    redAt: new Date(due + Duration.fromISO(policy.redAfter).toMillis() + 1).toISOString(),
  };
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function human(duration: string): string {
  return Duration.fromISO(duration).toHuman({ listStyle: 'long' });
}
