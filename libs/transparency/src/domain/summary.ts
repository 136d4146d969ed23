import type { ApplicationDoc } from '@pz/applications';
import { isAward } from './three-sixty-giving';

/**
 * The year's picture for staff and auditors: applications, awards, money, first-time recipients
 * and how the funded projects are doing, per People Zone and theme. Pure: the caller passes the
 * documents, each round's financial year and the zones.
 */

export type ReportableApplication = Pick<
  ApplicationDoc,
  'id' | 'org' | 'roundId' | 'zone' | 'theme' | 'status' | 'submittedAt' | 'awardedPence' | 'awardedAt' | 'decidedAt' | 'rag'
>;

export interface RagCounts {
  green: number;
  amber: number;
  red: number;
}

export interface SummaryCounts {
  /** Applications that reached submission (later withdrawals and decisions included). */
  applications: number;
  awards: number;
  amountAwardedPence: number;
  /** Awards that were the organisation's first ever from this funder, in any round. */
  firstTimeRecipients: number;
  /** Every award of the year by its current (or, once closed, final) RAG rating. */
  rag: RagCounts;
}

export interface ThemeSummary extends SummaryCounts {
  theme: string;
}

export interface ZoneSummary extends SummaryCounts {
  zone: string;
  name: string;
  themes: ThemeSummary[];
}

export interface SummaryReport {
  financialYear: string;
  headline: string;
  totals: SummaryCounts;
  zones: ZoneSummary[];
}

export interface SummaryInput {
  financialYear: string;
  applications: readonly ReportableApplication[];
  /** A round's financial year decides the year its applications belong to. */
  financialYearOfRound(roundId: string): string | undefined;
  zones: readonly { id: string; name: string }[];
}

const empty = (): SummaryCounts => ({
  applications: 0,
  awards: 0,
  amountAwardedPence: 0,
  firstTimeRecipients: 0,
  rag: { green: 0, amber: 0, red: 0 },
});

export function summarise(input: SummaryInput): SummaryReport {
  const yearOf = new Map<string, string>();
  for (const app of input.applications) {
    const fy = input.financialYearOfRound(app.roundId);
    if (fy) yearOf.set(app.id, fy);
  }
  const firstAwards = firstAwardOfEachOrganisation(input.applications, yearOf);

  const totals = empty();
  const zones = new Map<string, ZoneSummary>(
    input.zones.map((z) => [z.id, { zone: z.id, name: z.name, ...empty(), themes: [] }]),
  );
  for (const app of input.applications) {
    if (yearOf.get(app.id) !== input.financialYear || app.submittedAt === null) continue;
    let zone = zones.get(app.zone);
    if (!zone) {
      // A zone since dropped from ZONES_FILE still had its money spent: keep it, named by its id.
      zone = { zone: app.zone, name: app.zone, ...empty(), themes: [] };
      zones.set(app.zone, zone);
    }
    let theme = zone.themes.find((t) => t.theme === app.theme);
    if (!theme) {
      theme = { theme: app.theme, ...empty() };
      zone.themes.push(theme);
    }
    for (const counts of [totals, zone, theme]) add(counts, app, firstAwards.has(app.id));
  }

  const known = new Set(input.zones.map((z) => z.id));
  const ordered = [...zones.values()].sort((a, b) => {
    // The configured order first (that is how staff think of the zones), then any former zone.
    const ia = known.has(a.zone) ? input.zones.findIndex((z) => z.id === a.zone) : Infinity;
    const ib = known.has(b.zone) ? input.zones.findIndex((z) => z.id === b.zone) : Infinity;
    return ia - ib || a.zone.localeCompare(b.zone);
  });
  for (const zone of ordered) zone.themes.sort((a, b) => a.theme.localeCompare(b.theme));

  return { financialYear: input.financialYear, headline: headline(totals, ordered), totals, zones: ordered };
}

function add(counts: SummaryCounts, app: ReportableApplication, firstAward: boolean): void {
  counts.applications += 1;
  if (!isAward(app)) return;
  counts.awards += 1;
  counts.amountAwardedPence += app.awardedPence ?? 0;
  if (firstAward) counts.firstTimeRecipients += 1;
  // An award always starts Green; a missing rating is an award the projection has not rated yet.
  counts.rag[app.rag ?? 'green'] += 1;
}

/**
 * The id of each organisation's first-ever award: earliest financial year (by its round), then
 * earliest decision. Crediting one award, not every award in that year, keeps the zone and theme
 * counts adding up to the total of organisations.
 */
function firstAwardOfEachOrganisation(apps: readonly ReportableApplication[], yearOf: Map<string, string>): Set<string> {
  const first = new Map<string, { id: string; key: string }>();
  for (const app of apps) {
    const fy = yearOf.get(app.id);
    if (!fy || !isAward(app)) continue;
    const key = `${fy}|${app.awardedAt ?? app.decidedAt ?? ''}|${app.id}`;
    const current = first.get(app.org);
    if (!current || key < current.key) first.set(app.org, { id: app.id, key });
  }
  return new Set([...first.values()].map((f) => f.id));
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** "£110,600 invested in 17 projects across 3 People Zones" */
export function headline(totals: SummaryCounts, zones: readonly SummaryCounts[]): string {
  const fundedZones = zones.filter((z) => z.awards > 0).length;
  return `${money(totals.amountAwardedPence)} invested in ${plural(totals.awards, 'project', 'projects')} across ${plural(fundedZones, 'People Zone', 'People Zones')}`;
}

/** Whole pounds when there are no pence, as people write it: £110,600 but £5,500.50. */
export function money(pence: number): string {
  const whole = pence % 100 === 0;
  return new Intl.NumberFormat('en-GB', {
    style: 'currency',
    currency: 'GBP',
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: whole ? 0 : 2,
  }).format(pence / 100);
}
