/** What a round is, as the calendar and every decision about its applications see it. */
export type RoundKind = 'standard' | 'collaborative';
/** Where a round stands at a moment: derived from its dates, never stored. */
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
