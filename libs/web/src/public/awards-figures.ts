import { financialYearOf } from '@pz/rounds/domain';
import type { PublishedAward } from '@pz/transparency';

/** One row of a summary table, and one bar of each of its two charts. */
export interface AwardFigures {
  key: string;
  label: string;
  grants: number;
  pence: number;
}

export interface AwardRow {
  id: string;
  title: string;
  recipient: string;
  awardDate: string;
  year: string;
  zone: string;
  zoneName: string;
  theme: string;
  pence: number;
}

/** "2026-27" as the style guide writes a financial year: "2026 to 2027". */
export function yearName(financialYear: string): string {
  const first = Number(financialYear.slice(0, 4));
  return `${first} to ${first + 1}`;
}

/** The feed gives pounds (the standard's unit); pages count in whole pence, as the rest of the service. */
const penceOf = (pounds: number) => Math.round(pounds * 100);

/**
 * The public record's rows, from the same grants as the 360Giving feed: the award's UK day
 * decides its financial year, so anyone can check these figures against the feed alone.
 */
export function awardRows(awards: readonly PublishedAward[], organisationName: (org: string) => string | undefined): AwardRow[] {
  return awards.map(({ grant, org, zone, theme }) => ({
    id: grant.id,
    title: grant.title,
    recipient: organisationName(org) ?? grant.recipientOrganization[0]?.name ?? org,
    awardDate: grant.awardDate,
    year: financialYearOf(Date.parse(grant.awardDate)),
    zone,
    zoneName: grant.beneficiaryLocation[0]?.name ?? zone,
    theme,
    pence: penceOf(grant.amountAwarded),
  }));
}

/** Grants and money by one dimension, in the order given by `order` (then by label). */
export function figuresBy(rows: readonly AwardRow[], keyOf: (r: AwardRow) => string, labelOf: (r: AwardRow) => string, order: (a: string, b: string) => number): AwardFigures[] {
  const groups = new Map<string, AwardFigures>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key) ?? { key, label: labelOf(row), grants: 0, pence: 0 };
    group.grants += 1;
    group.pence += row.pence;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => order(a.key, b.key) || a.label.localeCompare(b.label));
}
