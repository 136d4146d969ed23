import type { Criterion } from '@pz/rounds/domain';
import type { ApplicationDoc } from './applications.projection';
import { SCORE_MAX } from './domain';

export interface RankingEntry {
  rank: number;
  applicationId: string;
  title: string;
  org: string;
  zone: string;
  theme: string;
  status: ApplicationDoc['status'];
  requestedPence: number;
  /** Mean of the members' weighted totals; null until someone scores it. */
  meanWeightedScore: number | null;
  /** Highest minus lowest member total: a wide spread is worth a panel conversation. */
  spread: number | null;
  members: { member: string; weightedTotal: number }[];
}

export interface Ranking {
  roundId: string;
  maxWeightedScore: number;
  entries: RankingEntry[];
}

const RANKED = new Set<ApplicationDoc['status']>(['submitted', 'awarded', 'declined', 'closed']);

/** Pure: orders a round's applications by the panel's mean weighted score. */
export function rankApplications(roundId: string, criteria: readonly Criterion[], docs: readonly ApplicationDoc[]): Ranking {
  const entries = docs
    .filter((d) => d.roundId === roundId && RANKED.has(d.status))
    .map((d) => {
      const members = Object.entries(d.scores)
        .map(([member, s]) => ({ member, weightedTotal: s.weightedTotal }))
        .sort((a, b) => a.member.localeCompare(b.member));
      const totals = members.map((m) => m.weightedTotal);
      const mean = totals.length > 0 ? round2(totals.reduce((a, b) => a + b, 0) / totals.length) : null;
      return {
        rank: 0,
        applicationId: d.id,
        title: d.title,
        org: d.org,
        zone: d.zone,
        theme: d.theme,
        status: d.status,
        requestedPence: d.requestedPence,
        meanWeightedScore: mean,
        spread: totals.length > 0 ? Math.max(...totals) - Math.min(...totals) : null,
        members,
      };
    })
    .sort(
      (a, b) =>
        (b.meanWeightedScore ?? -1) - (a.meanWeightedScore ?? -1) ||
        a.title.localeCompare(b.title) ||
        a.applicationId.localeCompare(b.applicationId),
    );
  entries.forEach((e, i) => (e.rank = i + 1));
  return {
    roundId,
    maxWeightedScore: criteria.reduce((sum, k) => sum + k.weight * SCORE_MAX, 0),
    entries,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
